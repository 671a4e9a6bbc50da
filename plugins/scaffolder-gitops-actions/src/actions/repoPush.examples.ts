import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Commit and push the new service, returning where its catalog-info.yaml is read',
    example: yaml.stringify({
      steps: [
        {
          id: 'push',
          action: 'gitops:repo:push',
          name: 'Publish to the gitops repository',
          input: {
            path: './gitops',
            commitMessage: 'Add ledger (dev, staging, prod)',
            fileUrlPaths: ['catalog/ledger/catalog-info.yaml'],
          },
        },
      ],
    }),
  },
];
