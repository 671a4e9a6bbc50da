import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Validate the gitops folder of the workspace before publishing',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'gitops:manifests:validate',
          name: 'Validate the manifests',
          input: { path: 'gitops' },
        },
      ],
    }),
  },
  {
    description: 'Also fail on objects whose type has no known schema',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'gitops:manifests:validate',
          name: 'Validate the manifests strictly',
          input: { path: 'gitops', failOnUnknown: true },
        },
      ],
    }),
  },
];
