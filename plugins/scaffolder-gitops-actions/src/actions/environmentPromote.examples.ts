import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Promote the version dev runs to staging (a commit), as the Promote dialog does',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          action: 'gitops:environment:promote',
          name: 'Promote to staging',
          input: {
            entityRef: 'component:default/payments-api',
            from: 'dev',
            to: 'staging',
          },
        },
      ],
    }),
  },
  {
    description:
      'Promote a given version to prod (a pull request waiting for the approval of another owner)',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          action: 'gitops:environment:promote',
          name: 'Promote 1.4.0 to prod',
          input: {
            entityRef: 'component:default/payments-api',
            from: 'staging',
            to: 'prod',
            version: '1.4.0',
          },
        },
      ],
    }),
  },
  {
    description: 'Only show the diff and the gates, create nothing',
    example: yaml.stringify({
      steps: [
        {
          id: 'preview',
          action: 'gitops:environment:promote',
          name: 'Preview the promotion to staging',
          input: {
            entityRef: 'component:default/payments-api',
            from: 'dev',
            to: 'staging',
            previewOnly: true,
          },
        },
      ],
    }),
  },
  {
    description:
      'Promote to staging and wait until staging runs the version Synced and Healthy',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          action: 'gitops:environment:promote',
          name: 'Promote to staging and wait for the sync',
          input: {
            entityRef: 'component:default/payments-api',
            from: 'dev',
            to: 'staging',
            waitFor: 'synced',
            waitTimeoutSeconds: 300,
          },
        },
      ],
    }),
  },
];
