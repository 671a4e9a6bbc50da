import { createBackendModule } from '@backstage/backend-plugin-api';
import type { EntityOverview } from '@internal/backstage-plugin-gitops-common';
import {
  gitopsBackupsExtensionPoint,
  gitopsCostExtensionPoint,
  gitopsDeploymentsExtensionPoint,
  type BackupSource,
  type CostSource,
  type DeploymentSource,
} from '@internal/backstage-plugin-gitops-node';
import request from 'supertest';
import {
  component,
  overviewPath,
  startGitopsBackend,
  waitFor,
} from './__testUtils__/fleetBackend';

// Real servers on a shared 2-core machine: generous timeouts.
jest.setTimeout(60_000);

/** A Flux-like engine: its own objects, mapped onto the deployment role. */
const flux: DeploymentSource = {
  provider: 'flux',
  name: 'flux-main',
  webUrl: 'https://flux.example.com',
  async run(sink, signal) {
    await sink.replaceAll([
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
    ]);
    sink.setStatus({ state: 'ok' });
    await new Promise<void>(resolve =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  },
};

const finops: CostSource = {
  provider: 'finops-engine',
  cluster: 'finops',
  currency: 'EUR',
  labelKey: 'app',
  getTotals: async () => [
    {
      namespace: 'billing-prod',
      label: 'billing',
      cpu: 1,
      ram: 1,
      pv: 0,
      network: 0,
      total: 2,
    },
  ],
  getDaily: async () => [],
};

const snapshots: BackupSource = {
  provider: 'kasten',
  cluster: 'finops',
  async run(sink) {
    sink.set({
      backups: [
        {
          name: 'billing-nightly',
          phase: 'Completed',
          includedNamespaces: ['billing-prod'],
          excludedNamespaces: [],
          completedAt: new Date().toISOString(),
          errors: 0,
          warnings: 0,
        },
      ],
      schedules: [],
      locations: [],
    });
    sink.setStatus({ state: 'ok' });
  },
};

describe('extension points by role', () => {
  it('lets a module add a deployment engine, a cost engine and a backup tool, instances or factories', async () => {
    const module = createBackendModule({
      pluginId: 'gitops',
      moduleId: 'test-sources',
      register(env) {
        env.registerInit({
          deps: {
            deployments: gitopsDeploymentsExtensionPoint,
            cost: gitopsCostExtensionPoint,
            backups: gitopsBackupsExtensionPoint,
          },
          async init({ deployments, cost, backups }) {
            deployments.addDeploymentSource(flux);
            // A factory gets the config and a logger when the plugin starts.
            cost.addCostSource(({ config, logger }) => {
              expect(config).toBeDefined();
              expect(logger).toBeDefined();
              return finops;
            });
            backups.addBackupSource(snapshots);
          },
        });
      },
    });
    const backend = await startGitopsBackend({
      entities: [component('billing')],
      extraFeatures: [module],
    });
    let body!: EntityOverview;
    await waitFor(async () => {
      body = (await request(backend.server).get(overviewPath('billing'))).body;
      return (
        body.sources?.every(s => s.status === 'ok') &&
        body.environments.length > 0
      );
    });
    expect(body.environments[0]).toMatchObject({
      name: 'prod',
      version: { version: '3.1.0' },
      cost: { currency: 'EUR', total: 2 },
      backup: { lastSuccessfulName: 'billing-nightly' },
    });
    expect(body.environments[0].applications[0].url).toBe(
      'https://flux.example.com/applications/billing-prod',
    );
    expect(
      body.sources.map(s => `${s.kind}:${s.provider}:${s.name}:${s.status}`),
    ).toEqual([
      'deployment:flux:flux-main:ok',
      'cost:finops-engine:finops:ok',
      'backup:kasten:finops:ok',
    ]);
    await backend.stop();
  });

  it('refuses two sources of the same name at start-up', async () => {
    const module = createBackendModule({
      pluginId: 'gitops',
      moduleId: 'twice',
      register(env) {
        env.registerInit({
          deps: { deployments: gitopsDeploymentsExtensionPoint },
          async init({ deployments }) {
            deployments.addDeploymentSource(flux);
            deployments.addDeploymentSource(() => flux);
          },
        });
      },
    });
    await expect(
      startGitopsBackend({ entities: [], extraFeatures: [module] }),
    ).rejects.toThrow('duplicate deployment source "flux-main"');
  });
});
