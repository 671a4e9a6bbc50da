import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Check out the configured gitops repository into ./gitops',
    example: yaml.stringify({
      steps: [
        {
          id: 'clone',
          action: 'gitops:repo:clone',
          name: 'Check out the gitops repository',
        },
      ],
    }),
  },
  {
    description: 'Check out a given repository and branch',
    example: yaml.stringify({
      steps: [
        {
          id: 'clone',
          action: 'gitops:repo:clone',
          name: 'Check out the gitops repository',
          input: {
            repoUrl: 'https://git.example.com/platform/gitops.git',
            branch: 'main',
            targetPath: './gitops',
          },
        },
      ],
    }),
  },
];
