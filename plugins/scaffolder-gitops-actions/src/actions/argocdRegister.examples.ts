import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Register the Applications written by gitops:manifests:create with the root app of a checked-out gitops repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'gitops:argocd:register',
          name: 'Register with Argo CD (app-of-apps)',
          input: {
            repoPath: 'gitops',
            rootAppFile: 'argocd/root.yaml',
            applicationFiles: '${{ steps.manifests.output.applicationFiles }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Create the root Application too when the repository has none yet',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'gitops:argocd:register',
          name: 'Register with Argo CD (app-of-apps)',
          input: {
            repoPath: 'gitops',
            applicationFiles: ['argocd/apps/invoices-api-dev.yaml'],
            createRoot: {
              repoUrl: 'https://git.example.com/platform/gitops.git',
            },
          },
        },
      ],
    }),
  },
];
