import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import type { Fleet } from '../fleet';
import {
  openRawStream,
  request,
  stopAndClean,
  startKubeTestFleet,
} from '../testUtils';

jest.setTimeout(60_000);

const BACKUPS = '/apis/velero.io/v1/namespaces/velero/backups';
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l));

describe('Kubernetes watch fidelity (Velero objects)', () => {
  let fleet: Fleet;
  let kube: Fleet['kube'][number];
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await request(`${kube.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${kube.token}` },
      body,
      ca: fleet.tls?.caCert,
    });
    return { status: res.status, body: res.json() as any };
  };
  const createBackup = (name: string) =>
    call('POST', BACKUPS, {
      metadata: { name },
      spec: { includedNamespaces: ['payments-api-prod'] },
    });
  const listRv = async () =>
    (await call('GET', BACKUPS)).body.metadata.resourceVersion as string;
  const watch = (query: string) =>
    openRawStream(
      `${kube.url}${BACKUPS}?watch=true&${query}`,
      { authorization: `Bearer ${kube.token}` },
      { ca: fleet.tls?.caCert },
    );

  beforeAll(async () => {
    fleet = await startKubeTestFleet({
      kube: { watchWindow: 8, bookmarkIntervalMs: 100 },
    });
    kube = fleet.kube[1];
  });
  afterAll(() => stopAndClean(fleet));
  afterEach(() => fleet.control.clearFaults());

  it('replays the events after a resourceVersion in order, then goes live', async () => {
    const rv = Number(await listRv());
    expect((await createBackup('manual-1')).status).toBe(201);
    const deleted = await call('DELETE', `${BACKUPS}/manual-1`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.metadata.resourceVersion).toBe(String(rv + 3));
    expect((await call('GET', `${BACKUPS}/manual-1`)).status).toBe(404);
    const w = watch(`resourceVersion=${rv}`);
    await w.waitFor(t => lines(t).length === 3);
    await createBackup('manual-2');
    const events = lines(await w.waitFor(t => lines(t).length === 5));
    w.close();
    expect(
      events.map(e => [
        e.type,
        e.object.metadata.name,
        e.object.metadata.resourceVersion,
        e.object.status.phase,
      ]),
    ).toEqual([
      ['ADDED', 'manual-1', String(rv + 1), 'New'],
      ['MODIFIED', 'manual-1', String(rv + 2), 'InProgress'],
      ['DELETED', 'manual-1', String(rv + 3), 'InProgress'],
      ['ADDED', 'manual-2', String(rv + 4), 'New'],
      ['MODIFIED', 'manual-2', String(rv + 5), 'InProgress'],
    ]);
    // A selector applies to the replay too.
    const none = watch(
      `resourceVersion=${rv}&labelSelector=${encodeURIComponent(
        'velero.io/schedule-name=nope',
      )}`,
    );
    await sleep(200);
    expect(none.text()).toBe('');
    none.close();
  });

  it('answers a resourceVersion older than the window with ERROR 410 Expired, then ends', async () => {
    const old = Number(await listRv());
    for (let i = 0; i < 5; i++) await createBackup(`churn-${i}`); // 10 events > window of 8
    const w = watch(`resourceVersion=${old}`);
    expect(await w.ended).toBe('end');
    const start = fleet.internals.velero[1].watchLog.windowStart;
    expect(start).toBe(old + 2);
    expect(lines(w.text())).toEqual([
      {
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${old} (${start})`,
          reason: 'Expired',
          code: 410,
        },
      },
    ]);
    // The oldest resourceVersion still in the window works.
    const ok = watch(`resourceVersion=${start}`);
    await ok.waitFor(t => lines(t).length === 8);
    ok.close();
  });

  it('without resourceVersion (or "0"): ADDED for what exists, then live', async () => {
    const w = watch(
      'resourceVersion=0&labelSelector=velero.io%2Fschedule-name%3Dpayments-api-prod-daily',
    );
    const first = lines(await w.waitFor(t => lines(t).length === 7));
    expect(first.every(e => e.type === 'ADDED')).toBe(true);
    w.close();
  });

  it('sends BOOKMARKs with the current resourceVersion when allowed', async () => {
    const w = watch(
      `allowWatchBookmarks=true&resourceVersion=${await listRv()}`,
    );
    const [b] = lines(await w.waitFor(t => lines(t).length >= 1, 2000));
    w.close();
    expect(b).toEqual({
      type: 'BOOKMARK',
      object: {
        kind: 'Backup',
        apiVersion: 'velero.io/v1',
        metadata: {
          resourceVersion: fleet.internals.velero[1].resourceVersion,
        },
      },
    });
  });

  it('expireResourceVersion: open watches end, watches from a resourceVersion get 410', async () => {
    const open = watch(`resourceVersion=${await listRv()}`);
    await sleep(100);
    await fleet.control.setFault('kube:cluster-prod', {
      expireResourceVersion: true,
    });
    expect(await open.ended).toBe('end');
    expect(open.text()).toBe('');
    const again = watch(`resourceVersion=${await listRv()}`);
    expect(await again.ended).toBe('end');
    expect(lines(again.text())[0].object.code).toBe(410);
    // Lists and watches without a resourceVersion are unaffected.
    const fresh = watch('');
    await fresh.waitFor(t => lines(t).length > 0);
    fresh.close();
  });

  it('@kubernetes/client-node makeInformer: list, watch, DELETED, 410 → re-list', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kube.kubeconfigPath);
    const api = kc.makeApiClient(CustomObjectsApi);
    let lists = 0;
    const informer = makeInformer<KubernetesObject>(kc, BACKUPS, async () => {
      lists++;
      return (await api.listNamespacedCustomObject({
        group: 'velero.io',
        version: 'v1',
        namespace: 'velero',
        plural: 'backups',
      })) as any;
    });
    const seen: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', o => seen.push(`add ${o.metadata!.name}`));
    informer.on('delete', o => seen.push(`delete ${o.metadata!.name}`));
    informer.on('error', e => errors.push(e));
    const names = async () =>
      ((await call('GET', BACKUPS)).body.items as any[])
        .map(b => b.metadata.name)
        .sort();
    const cached = () =>
      informer
        .list()
        .map(o => o.metadata!.name!)
        .sort();
    try {
      await informer.start();
      expect(lists).toBe(1);
      expect(cached()).toEqual(await names());
      await createBackup('informer-1');
      await call('DELETE', `${BACKUPS}/churn-0`);
      while (!seen.includes('delete churn-0')) await sleep(20);
      expect(seen).toContain('add informer-1');
      expect(cached()).not.toContain('churn-0');
      // 410: the informer drops its resourceVersion and lists again.
      await fleet.control.setFault('kube:cluster-prod', {
        expireResourceVersion: true,
      });
      while (lists < 2) await sleep(10);
      await fleet.control.clearFaults();
      await call('DELETE', `${BACKUPS}/churn-1`);
      await createBackup('informer-2');
      while (!seen.includes('add informer-2')) await sleep(20);
      await sleep(100);
      expect(cached()).toEqual(await names());
      expect(cached()).not.toContain('churn-1');
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});

describe('Velero garbage collection', () => {
  it('deletes Backups past their expiration (hourly), announced as DELETED', async () => {
    const fleet = await startKubeTestFleet();
    try {
      const v = fleet.internals.velero[1];
      const oldest = [...v.store.backups.values()]
        .map(b => b.metadata.name)
        .sort()[0];
      const gone: string[] = [];
      v.events.on('event', e => {
        if (e.type === 'DELETED') gone.push(e.object.metadata.name);
      });
      // Seeded backups are up to 7 days old with a 30-day TTL.
      await fleet.clock.advance(22 * 86_400_000);
      expect(gone).toEqual([]);
      await fleet.clock.advance(2 * 86_400_000);
      expect(gone.length).toBeGreaterThan(0);
      expect(v.store.backups.has(oldest)).toBe(false);
      expect(gone).toContain(oldest);
    } finally {
      await stopAndClean(fleet);
    }
  });
});
