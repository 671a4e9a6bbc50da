import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { parseGitopsConfig } from '../config';
import { GitopsStore } from '../store/GitopsStore';
import { EntityViews } from './EntityViews';
import { OverviewBuilder } from './overviewBuilder';

const entity = (name: string, selector = `app=${name}`): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'argocd/app-selector': selector },
  },
});

const app = (
  name: string,
  over: Partial<DeploymentApp> = {},
): DeploymentApp => ({
  instance: 'argocd-main',
  name: `${name}-dev`,
  labels: { app: name, environment: 'dev' },
  destination: { namespace: `${name}-dev` },
  autoSync: true,
  sync: 'Synced',
  health: 'Healthy',
  images: [`registry.example.com/${name}:1.0.0`],
  history: [],
  ...over,
});

function setup() {
  let now = new Date('2026-12-01T00:00:00Z');
  const store = new GitopsStore(() => now);
  const config = parseGitopsConfig({});
  const builder = new OverviewBuilder({
    config,
    store,
    costSources: [],
    backupSources: [{ cluster: 'main', provider: 'velero' }],
    promotionsConfigured: false,
  });
  const views = new EntityViews({
    store,
    builder,
    windows: ['7d'],
    now: () => now,
    logger: mockServices.logger.mock(),
    batchMs: 1,
  });
  const changed: string[][] = [];
  views.onChanged(refs => changed.push(refs));
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return { store, views, changed, advance };
}

const versionOf = (views: EntityViews, ref: string) =>
  JSON.parse(views.get(ref, '7d')!.content).environments[0]?.version.version;

describe('EntityViews', () => {
  it('computes a view when an entity comes in, and recomputes only the entities a change touches', async () => {
    const { store, views, changed } = setup();
    store.apps.upsert(app('payments'));
    store.apps.upsert(app('chores'));
    views.onEntity({
      ref: 'component:default/payments',
      entity: entity('payments'),
    });
    views.onEntity({
      ref: 'component:default/chores',
      entity: entity('chores'),
    });
    await views.settled();
    expect(versionOf(views, 'component:default/payments')).toBe('1.0.0');
    changed.length = 0;

    // Two changes of one app in one batch: one recomputation, one notice, for its entity only.
    store.apps.upsert(
      app('payments', {
        images: ['registry.example.com/payments:1.1.0'],
        resourceVersion: '2',
      }),
    );
    store.apps.upsert(
      app('payments', {
        images: ['registry.example.com/payments:1.2.0'],
        resourceVersion: '3',
      }),
    );
    await views.settled();
    expect(changed).toEqual([['component:default/payments']]);
    expect(versionOf(views, 'component:default/payments')).toBe('1.2.0');

    // A reconciliation (only the version moved) changes nothing.
    changed.length = 0;
    store.apps.upsert(
      app('payments', {
        images: ['registry.example.com/payments:1.2.0'],
        resourceVersion: '4',
      }),
    );
    await views.settled();
    expect(changed).toEqual([]);
  });

  it('follows an application whose labels move it into or out of an entity', async () => {
    const { store, views, changed } = setup();
    views.onEntity({
      ref: 'component:default/billing',
      entity: entity('billing'),
    });
    store.apps.upsert(app('other'));
    await views.settled();
    changed.length = 0;
    store.apps.upsert(
      app('other', {
        labels: { app: 'billing', environment: 'dev' },
        resourceVersion: '2',
      }),
    );
    await views.settled();
    expect(changed).toEqual([['component:default/billing']]);
    expect(
      JSON.parse(views.get('component:default/billing', '7d')!.content)
        .environments,
    ).toHaveLength(1);
    // And out again: the entity that showed it hears of it.
    store.apps.upsert(
      app('other', { labels: { app: 'other' }, resourceVersion: '3' }),
    );
    await views.settled();
    expect(
      JSON.parse(views.get('component:default/billing', '7d')!.content)
        .environments,
    ).toHaveLength(0);
  });

  it('finds entities whose selectors index nothing (only `!key` or `notin`)', async () => {
    const { store, views, changed } = setup();
    views.onEntity({
      ref: 'component:default/wide',
      entity: entity('wide', 'app notin (chores)'),
    });
    await views.settled();
    changed.length = 0;
    store.apps.upsert(app('payments'));
    await views.settled();
    expect(changed).toEqual([['component:default/wide']]);
  });

  it('keeps asOf (and the RPO as of it) while only time passes', async () => {
    const { store, views, changed, advance } = setup();
    store.apps.upsert(app('payments'));
    store.backups.set('main', {
      backups: [
        {
          name: 'b1',
          phase: 'Completed',
          includedNamespaces: ['payments-dev'],
          excludedNamespaces: [],
          completedAt: '2026-11-30T00:00:00Z',
          errors: 0,
          warnings: 0,
        },
      ],
      schedules: [],
      locations: [],
    });
    views.onEntity({
      ref: 'component:default/payments',
      entity: entity('payments'),
    });
    await views.settled();
    const first = views.get('component:default/payments', '7d')!;
    changed.length = 0;
    advance(3_600_000);
    // Something else about the cluster's backups changes: this entity's view does not.
    store.backups.set('main', {
      backups: [
        {
          name: 'b1',
          phase: 'Completed',
          includedNamespaces: ['payments-dev'],
          excludedNamespaces: [],
          completedAt: '2026-11-30T00:00:00Z',
          errors: 0,
          warnings: 0,
        },
      ],
      schedules: [],
      locations: [{ name: 'default', phase: 'Available' }],
    });
    await views.settled();
    expect(changed).toEqual([]);
    expect(views.get('component:default/payments', '7d')).toEqual(first);
  });

  it('drops the view of an entity that leaves the catalog', async () => {
    const { views } = setup();
    views.onEntity({ ref: 'component:default/gone', entity: entity('gone') });
    await views.settled();
    expect(views.get('component:default/gone', '7d')).toBeDefined();
    views.onEntity({ ref: 'component:default/gone' });
    expect(views.get('component:default/gone', '7d')).toBeUndefined();
  });

  it('asks for the history of applications it shows only as summaries', async () => {
    const { store, views } = setup();
    const wanted: string[] = [];
    views.onMissingDetails(apps => wanted.push(...apps.map(a => a.name)));
    store.apps.upsert(app('payments', { history: undefined }));
    views.onEntity({
      ref: 'component:default/payments',
      entity: entity('payments'),
    });
    await views.settled();
    expect(wanted).toEqual(['payments-dev']);
  });
});
