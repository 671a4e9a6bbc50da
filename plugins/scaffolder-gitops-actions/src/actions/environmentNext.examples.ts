import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'The environment after dev',
    example: yaml.stringify({
      steps: [
        {
          id: 'next',
          action: 'gitops:environment:next',
          name: 'Find the next environment',
          input: { from: 'dev' },
        },
      ],
    }),
  },
];
