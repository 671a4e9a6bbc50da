import type { Fleet } from '../fleet';
import {
  openRawStream,
  request,
  stopAndClean,
  startKubeTestFleet,
} from '../testUtils';

jest.setTimeout(30_000);

const BACKUPS = '/apis/velero.io/v1/namespaces/velero/backups';
const TABLE =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
/** The complete event lines received so far (a chunk may end inside a line). */
const lines = (text: string) =>
  text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l));

describe('Kubernetes watch: Tables, bookmarks before the timeout, watch-list refused', () => {
  let fleet: Fleet;
  let kube: Fleet['kube'][number];
  const auth = () => ({ authorization: `Bearer ${kube.token}` });
  const call = (method: string, p: string, body?: unknown) =>
    request(`${kube.url}${p}`, {
      method,
      body,
      headers: auth(),
      ca: fleet.tls?.caCert,
    });
  const watch = (query: string, headers: Record<string, string> = {}) =>
    openRawStream(
      `${kube.url}${BACKUPS}?watch=true&${query}`,
      { ...auth(), ...headers },
      { ca: fleet.tls?.caCert },
    );
  const listRv = async () =>
    (await call('GET', BACKUPS)).json().metadata.resourceVersion as string;

  beforeAll(async () => {
    fleet = await startKubeTestFleet({ kube: { watchWindow: 50 } });
    kube = fleet.kube[1];
  });
  afterAll(() => stopAndClean(fleet));
  afterEach(() => fleet.control.clearFaults());

  it('as=Table: one Table per event, the column definitions on the first only', async () => {
    const w = watch(`resourceVersion=${await listRv()}`, { accept: TABLE });
    await w.response;
    await call('POST', BACKUPS, { metadata: { name: 'table-1' } });
    const events = lines(await w.waitFor(t => lines(t).length === 2));
    w.close();
    expect(events.map(e => [e.type, e.object.kind])).toEqual([
      ['ADDED', 'Table'],
      ['MODIFIED', 'Table'],
    ]);
    const [first, second] = events.map(e => e.object);
    expect(first.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Age',
    ]);
    expect(second.columnDefinitions).toBeNull();
    expect(first.rows.map((r: any) => r.cells)).toEqual([['table-1', '0s']]);
    expect(second.rows[0].object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 'table-1' },
    });
    expect(Number(second.metadata.resourceVersion)).toBe(
      Number(first.metadata.resourceVersion) + 1,
    );
  });

  it('as=Table without a resourceVersion: the synthetic ADDED events are Tables too', async () => {
    const w = watch('', { accept: TABLE });
    const n = fleet.internals.velero[1].store.backups.size;
    const events = lines(await w.waitFor(t => lines(t).length === n));
    w.close();
    expect(events.every(e => e.type === 'ADDED')).toBe(true);
    expect(events.filter(e => e.object.columnDefinitions)).toHaveLength(1);
    expect(events[0].object.columnDefinitions).not.toBeNull();
  });

  it('the 410 stays a Status under as=Table; PartialObjectMetadata events carry metadata', async () => {
    await fleet.control.setFault('kube:cluster-prod', {
      expireResourceVersion: true,
    });
    const w = watch(`resourceVersion=${await listRv()}`, { accept: TABLE });
    expect(await w.ended).toBe('end');
    expect(lines(w.text())).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({ kind: 'Status', code: 410 }),
      },
    ]);
    await fleet.control.clearFaults();
    const p = watch(`resourceVersion=${await listRv()}`, {
      accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    });
    await p.response;
    await call('DELETE', `${BACKUPS}/table-1`);
    const [del] = lines(await p.waitFor(t => lines(t).length === 1));
    p.close();
    expect(del).toEqual({
      type: 'DELETED',
      object: {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: expect.objectContaining({ name: 'table-1' }),
      },
    });
    expect(del.object.status).toBeUndefined();
  });

  it('allowWatchBookmarks with timeoutSeconds: a BOOKMARK 2 s before the end, then the end', async () => {
    const t0 = Date.now();
    const w = watch(
      `allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=${await listRv()}`,
    );
    const [b] = lines(await w.waitFor(t => lines(t).length === 1));
    const bookmarkAfter = Date.now() - t0;
    expect(await w.ended).toBe('end');
    const endedAfter = Date.now() - t0;
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
    expect(bookmarkAfter).toBeGreaterThanOrEqual(900);
    expect(bookmarkAfter).toBeLessThan(2500);
    expect(endedAfter).toBeGreaterThanOrEqual(2900);
    expect(lines(w.text())).toHaveLength(1); // the default interval (60 s) sent nothing else
    // With 2 s or less there is no time left before the deadline: no bookmark at all.
    const short = watch('allowWatchBookmarks=true&timeoutSeconds=2');
    await short.ended;
    expect(lines(short.text()).filter(e => e.type === 'BOOKMARK')).toEqual([]);
  });

  it('a BOOKMARK under as=Table is a Table too (one row without a name)', async () => {
    const w = watch(
      `allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=${await listRv()}`,
      { accept: TABLE },
    );
    const [b] = lines(await w.waitFor(t => lines(t).length === 1));
    w.close();
    expect(b.type).toBe('BOOKMARK');
    expect(b.object.kind).toBe('Table');
    expect(b.object.metadata.resourceVersion).toBe(
      fleet.internals.velero[1].resourceVersion,
    );
    expect(b.object.rows[0].cells).toEqual(['', null]);
  });

  it('sendInitialEvents (watch-list) is refused as a 1.30 server without the WatchList gate does', async () => {
    const res = await call(
      'GET',
      `${BACKUPS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    expect(res.status).toBe(422);
    expect(res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
      reason: 'Invalid',
      details: {
        group: 'meta.k8s.io',
        kind: 'ListOptions',
        causes: [
          {
            reason: 'FieldValueForbidden',
            message:
              'Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
            field: 'sendInitialEvents',
          },
        ],
      },
      code: 422,
    });
    const noMatch = await call(
      'GET',
      `${BACKUPS}?watch=true&sendInitialEvents=true`,
    );
    expect(noMatch.json().message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled]',
    );
  });
});
