import { createBackendModule } from '@backstage/backend-plugin-api';
import type { EntityOverview } from '@internal/backstage-plugin-gitops-common';
import request from 'supertest';
import { component, startGitopsBackend } from './__testUtils__/fleetBackend';
import type { CostClient } from './cost/types';
import { gitopsSourcesExtensionPoint } from './extensions';
import type { ArgoCdApi } from './argocd/ArgoCdClient';

// Real servers (the simulated fleet) on a shared 2-core machine: generous timeouts.
jest.setTimeout(60_000);

describe('gitopsSourcesExtensionPoint', () => {
  it('lets a module add a deployment source and a cost engine', async () => {
    const deployments: Partial<ArgoCdApi> = {
      name: 'flux-main',
      webUrl: 'https://flux.example.com',
      listApplications: async () => ({
        applications: [
          {
            instance: 'flux-main',
            name: 'billing-prod',
            labels: { app: 'billing' },
            destination: { namespace: 'billing-prod' },
            autoSync: true,
            sync: 'Synced',
            health: 'Healthy',
            images: ['registry.example.com/billing:3.1.0'],
            history: [],
          },
        ],
      }),
    };
    const cost: CostClient = {
      cluster: 'finops',
      getAllocations: async ({ window }) => ({
        window,
        currency: 'EUR',
        labelKey: 'app',
        rows: [
          {
            namespace: 'billing-prod',
            label: 'billing',
            cpu: 1,
            ram: 1,
            pv: 0,
            network: 0,
            total: 2,
            daily: { '2026-11-22': 2 },
          },
        ],
      }),
    };
    const module = createBackendModule({
      pluginId: 'gitops',
      moduleId: 'test-sources',
      register(env) {
        env.registerInit({
          deps: { sources: gitopsSourcesExtensionPoint },
          async init({ sources }) {
            sources.addDeploymentSource(deployments as ArgoCdApi);
            sources.addCostSource(cost);
          },
        });
      },
    });
    const backend = await startGitopsBackend({
      entities: [component('billing')],
      extraFeatures: [module],
    });
    const res = await request(backend.server).get(
      '/api/gitops/entities/component/default/billing/overview',
    );
    const body = res.body as EntityOverview;
    expect(body.environments).toHaveLength(1);
    expect(body.environments[0]).toMatchObject({
      name: 'prod',
      version: { version: '3.1.0' },
      cost: { currency: 'EUR', total: 2 },
    });
    expect(body.sources.map(s => `${s.kind}:${s.name}:${s.status}`)).toEqual([
      'argocd:flux-main:ok',
      'cost:finops:ok',
    ]);
    await backend.stop();
  });
});
