import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { parseLabelSelector } from '../entities/labelSelector';
import { AppStore, appKey, type AppChange } from './AppStore';

const app = (over: Partial<DeploymentApp> = {}): DeploymentApp => ({
  instance: 'argocd-main',
  name: 'payments-api-dev',
  namespace: 'argocd',
  project: 'payments',
  labels: { app: 'payments-api', environment: 'dev' },
  destination: { namespace: 'payments-api-dev' },
  autoSync: true,
  sync: 'Synced',
  health: 'Healthy',
  images: ['registry.example.com/payments-api:1.4.0'],
  history: [{ id: 1, revision: 'abc', initiatedBy: 'alice' }],
  resourceVersion: '10',
  ...over,
});

function storeWithChanges() {
  const store = new AppStore();
  const changes: AppChange[] = [];
  store.onChange(c => changes.push(c));
  return { store, changes };
}

describe('AppStore', () => {
  it('finds applications through its indexes: names, selectors, project, namespace', () => {
    const { store } = storeWithChanges();
    store.upsert(app());
    store.upsert(
      app({
        name: 'payments-api-prod',
        labels: { app: 'payments-api', environment: 'prod' },
        destination: { namespace: 'payments-api-prod' },
        instance: 'argocd-prod',
      }),
    );
    store.upsert(app({ name: 'chores-api-dev', labels: { app: 'chores' } }));
    const names = (apps: DeploymentApp[]) => apps.map(a => a.name).sort();
    expect(
      names(store.select({ selector: parseLabelSelector('app=payments-api') })),
    ).toEqual(['payments-api-dev', 'payments-api-prod']);
    expect(
      names(
        store.select({
          selector: parseLabelSelector(
            'app in (payments-api,chores),environment!=prod',
          ),
        }),
      ),
    ).toEqual(['chores-api-dev', 'payments-api-dev']);
    expect(
      names(store.select({ selector: parseLabelSelector('app,!team') })),
    ).toHaveLength(3);
    expect(names(store.select({ names: ['chores-api-dev'] }))).toEqual([
      'chores-api-dev',
    ]);
    expect(
      names(
        store.select({
          selector: parseLabelSelector('app=payments-api'),
          instance: 'argocd-prod',
        }),
      ),
    ).toEqual(['payments-api-prod']);
    expect(
      store.select({
        selector: parseLabelSelector('app=payments-api'),
        project: 'other',
      }),
    ).toEqual([]);
    expect(names(store.inNamespace('payments-api-prod'))).toEqual([
      'payments-api-prod',
    ]);
    expect(store.inProject('payments')).toHaveLength(3);
    // Nothing asked, nothing found (an entity without annotations).
    expect(store.select({})).toEqual([]);
  });

  it('keeps its indexes current when labels change and apps go', () => {
    const { store } = storeWithChanges();
    store.upsert(app());
    store.upsert(app({ labels: { app: 'renamed' }, resourceVersion: '11' }));
    expect(
      store.select({ selector: parseLabelSelector('app=payments-api') }),
    ).toEqual([]);
    expect(
      store.select({ selector: parseLabelSelector('app=renamed') }),
    ).toHaveLength(1);
    store.remove('argocd-main', {
      name: 'payments-api-dev',
      namespace: 'argocd',
    });
    expect(
      store.select({ selector: parseLabelSelector('app=renamed') }),
    ).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('drops duplicate and out-of-order events, and says when only the version moved', () => {
    const { store, changes } = storeWithChanges();
    store.upsert(app({ resourceVersion: '10' }));
    store.upsert(app({ resourceVersion: '10' })); // duplicate
    store.upsert(app({ health: 'Degraded', resourceVersion: '12' }));
    store.upsert(app({ health: 'Healthy', resourceVersion: '11' })); // older
    store.upsert(app({ health: 'Degraded', resourceVersion: '13' })); // reconciled only
    expect(changes.map(c => c.kind)).toEqual(['changed', 'changed', 'touched']);
    expect(store.get(appKey(app()))).toMatchObject({
      health: 'Degraded',
      resourceVersion: '13',
    });
  });

  it('takes the history of a version it has only a summary of', () => {
    const { store } = storeWithChanges();
    store.upsert(app({ history: undefined, resourceVersion: '10' }));
    store.upsert(app({ resourceVersion: '10' }));
    expect(store.get(appKey(app()))?.history).toHaveLength(1);
  });

  it('does not let a late event bring a deleted application back', () => {
    const { store } = storeWithChanges();
    store.upsert(app({ resourceVersion: '10' }));
    store.remove('argocd-main', {
      name: 'payments-api-dev',
      namespace: 'argocd',
      resourceVersion: '12',
    });
    store.upsert(app({ resourceVersion: '11' }));
    expect(store.size).toBe(0);
    store.upsert(app({ resourceVersion: '13' })); // re-created later
    expect(store.size).toBe(1);
  });

  it('keeps what it knows in detail when a list summary says nothing changed', async () => {
    const { store, changes } = storeWithChanges();
    store.upsert(
      app({
        operation: {
          phase: 'Succeeded',
          kind: 'rollback',
          initiatedBy: 'alice',
          message: 'done',
          startedAt: 't0',
        },
      }),
    );
    const summary = app({
      history: undefined,
      resourceVersion: undefined,
      operation: { phase: 'Succeeded', kind: 'sync', startedAt: 't0' },
    });
    await store.replaceAll('argocd-main', [summary]);
    expect(changes).toHaveLength(1);
    expect(store.get(appKey(app()))?.history).toHaveLength(1);
    expect(store.get(appKey(app()))?.operation?.initiatedBy).toBe('alice');
    // A summary that differs replaces the record (its history is unknown until asked again).
    await store.replaceAll('argocd-main', [{ ...summary, sync: 'OutOfSync' }]);
    expect(store.get(appKey(app()))).toMatchObject({ sync: 'OutOfSync' });
    expect(store.get(appKey(app()))?.history).toBeUndefined();
  });

  it('replaces an instance with a complete list: missing apps are removed, others untouched', async () => {
    const { store, changes } = storeWithChanges();
    store.upsert(app());
    store.upsert(app({ name: 'gone' }));
    store.upsert(app({ instance: 'argocd-prod', name: 'elsewhere' }));
    changes.length = 0;
    await store.replaceAll('argocd-main', [app({ history: undefined })]);
    expect(changes.map(c => [c.kind, c.key])).toEqual([
      ['changed', 'argocd-main/argocd/gone'],
    ]);
    expect(store.ofInstance('argocd-main').map(a => a.name)).toEqual([
      'payments-api-dev',
    ]);
    expect(store.ofInstance('argocd-prod')).toHaveLength(1);
  });

  it('takes a list as it is read: each app at once, the missing ones removed only when it finishes', async () => {
    const { store, changes } = storeWithChanges();
    store.upsert(app());
    store.upsert(app({ name: 'gone' }));
    changes.length = 0;
    const list = store.beginList('argocd-main');
    list.add(app({ history: undefined, sync: 'OutOfSync' }));
    list.add(app({ name: 'new', history: undefined }));
    // Seen before the list is done; nothing removed yet.
    expect(store.get(appKey(app()))).toMatchObject({ sync: 'OutOfSync' });
    expect(
      store
        .ofInstance('argocd-main')
        .map(a => a.name)
        .sort(),
    ).toEqual(['gone', 'new', 'payments-api-dev']);
    await list.finish();
    expect(
      store
        .ofInstance('argocd-main')
        .map(a => a.name)
        .sort(),
    ).toEqual(['new', 'payments-api-dev']);
    expect(changes.map(c => c.key)).toEqual([
      'argocd-main/argocd/payments-api-dev',
      'argocd-main/argocd/new',
      'argocd-main/argocd/gone',
    ]);
    // A list that fails half-way is never finished: nothing it lacked is removed.
    store
      .beginList('argocd-main')
      .add(app({ name: 'new', history: undefined }));
    expect(store.ofInstance('argocd-main')).toHaveLength(2);
  });

  it('reports a source state change once', () => {
    const store = new AppStore(() => new Date('2026-12-01T00:00:00Z'));
    const heard: string[] = [];
    store.onStatus(i => heard.push(i));
    store.setStatus('argocd-main', { state: 'ok' });
    store.setStatus('argocd-main', { state: 'ok' });
    store.setStatus('argocd-main', { state: 'stale', error: 'cut' });
    expect(heard).toEqual(['argocd-main', 'argocd-main']);
    expect(store.status('argocd-main')).toMatchObject({
      state: 'stale',
      error: 'cut',
    });
  });
});

describe('AppStore memory', () => {
  it('keeps the history only of applications someone shows', () => {
    const store = new AppStore();
    store.keepDetailsOf(key => key === appKey(app()));
    store.upsert(app());
    store.upsert(app({ name: 'unshown' }));
    expect(store.get(appKey(app()))?.history).toHaveLength(1);
    expect(
      store.get(appKey(app({ name: 'unshown' })))?.history,
    ).toBeUndefined();
  });

  it('keeps the tasks of a sync only for applications someone shows', () => {
    const store = new AppStore();
    store.keepDetailsOf(key => key === appKey(app()));
    const operation = {
      phase: 'Failed' as const,
      kind: 'sync' as const,
      tasks: [
        {
          kind: 'Job',
          name: 'payments-migrate',
          syncPhase: 'PreSync',
          hookType: 'PreSync',
          hookPhase: 'Failed',
        },
      ],
      retry: { count: 5, limit: 5 },
    };
    store.upsert(app({ operation }));
    store.upsert(app({ name: 'unshown', operation }));
    expect(store.get(appKey(app()))?.operation?.tasks).toEqual(operation.tasks);
    const unshown = store.get(appKey(app({ name: 'unshown' })));
    expect(unshown?.operation).toEqual({
      phase: 'Failed',
      kind: 'sync',
      retry: { count: 5, limit: 5 },
    });
  });
});
