import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'A Kustomize service in dev, staging and prod with the policy defaults',
    example: yaml.stringify({
      steps: [
        {
          id: 'manifests',
          action: 'gitops:manifests:create',
          name: 'Create the GitOps manifests',
          input: {
            name: 'invoices-api',
            image: 'registry.example.com/invoices-api',
            port: 8080,
            owner: 'group:default/payments',
            repoUrl: 'https://git.example.com/platform/gitops.git',
            targetPath: 'gitops',
            catalogInfoPath: 'service/catalog-info.yaml',
          },
        },
      ],
    }),
  },
  {
    description:
      'A Helm service with External Secrets, a migration job (a Sync hook in wave 1), its own AppProject and a prod override',
    example: yaml.stringify({
      steps: [
        {
          id: 'manifests',
          action: 'gitops:manifests:create',
          name: 'Create the GitOps manifests',
          input: {
            name: 'ledger',
            image: 'registry.example.com/ledger',
            tag: '1.0.0',
            port: 3000,
            owner: 'group:default/finance',
            system: 'payments',
            layout: 'helm',
            environments: [
              'dev',
              'staging',
              { name: 'prod', replicas: 4, hpa: { min: 4, max: 12 } },
            ],
            secrets: {
              provider: 'external-secrets',
              keys: ['DATABASE_URL', 'API_TOKEN'],
              store: { kind: 'ClusterSecretStore', name: 'vault' },
            },
            migration: { command: ['./migrate', 'up'] },
            argocd: { project: 'finance', createProject: true },
            repoUrl: 'https://git.example.com/platform/gitops.git',
            targetPath: 'gitops',
          },
        },
      ],
    }),
  },
];
