import type { Entity } from '@backstage/catalog-model';
import type {
  DeploymentApp,
  DeploymentSource,
} from '@internal/backstage-plugin-gitops-node';
import { parseGitopsConfig } from '../config';
import { GitopsStore } from '../store/GitopsStore';
import { OverviewBuilder } from './overviewBuilder';
import { ResourcesView } from './resources';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: { 'argocd/app-selector': 'app=payments-api' },
  },
};

const app = (over: Partial<DeploymentApp> = {}): DeploymentApp => ({
  instance: 'argocd-main',
  name: 'payments-api-dev',
  namespace: 'argocd',
  labels: { app: 'payments-api', environment: 'dev' },
  autoSync: true,
  sync: 'Synced',
  health: 'Healthy',
  images: [],
  resourceVersion: '10',
  ...over,
});

function setup() {
  const store = new GitopsStore(() => new Date('2026-12-01T00:00:00Z'));
  const asked: string[] = [];
  // The deployment source is the view's upstream: it counts what the view asks of it.
  const source = {
    name: 'argocd-main',
    provider: 'argocd',
    run: async () => {},
    getResources: async (ref: { name: string }) => {
      asked.push(ref.name);
      return [{ kind: 'Deployment', name: `${ref.name}-${asked.length}` }];
    },
  } as unknown as DeploymentSource;
  store.deployments.set('argocd-main', source);
  const builder = new OverviewBuilder({
    config: parseGitopsConfig({}),
    store,
    costSources: [],
    backupSources: [],
    promotionsConfigured: false,
  });
  const view = new ResourcesView({
    store,
    builder,
    appsOf: () => store.apps.select({ names: ['payments-api-dev'] }),
  });
  const tree = async () =>
    (await view.resources(entity, '7d')).applications[0].resources[0].name;
  return { store, asked, tree };
}

describe('ResourcesView', () => {
  it('keeps a tree while the version stays: a re-list or a history fill of the same version asks nothing', async () => {
    const { store, asked, tree } = setup();
    store.apps.upsert(app());
    expect(await tree()).toBe('payments-api-dev-1');
    // The same version again from a re-list (no history) and from a detail read (with it).
    await store.apps.replaceAll('argocd-main', [app({ sync: 'Synced' })]);
    store.apps.upsert(app({ history: [{ id: 1, revision: 'abc' }] }));
    expect(await tree()).toBe('payments-api-dev-1');
    expect(asked).toHaveLength(1);
    // A reconciliation (a stream event: with history) moves the version: read again.
    store.apps.upsert(
      app({ resourceVersion: '11', history: [{ id: 1, revision: 'abc' }] }),
    );
    expect(await tree()).toBe('payments-api-dev-2');
    expect(asked).toHaveLength(2);
  });

  it('without versions, keeps a tree only until the next event', async () => {
    const { store, asked, tree } = setup();
    store.apps.upsert(app({ resourceVersion: undefined }));
    await tree();
    await tree();
    expect(asked).toHaveLength(1);
    store.apps.upsert(app({ resourceVersion: undefined, health: 'Degraded' }));
    await tree();
    expect(asked).toHaveLength(2);
  });
});
