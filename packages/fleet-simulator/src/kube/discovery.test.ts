import type { Fleet } from '../fleet';
import { request, stopAndClean, startKubeTestFleet } from '../testUtils';

jest.setTimeout(30_000);

const AGGREGATED =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const TABLE =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const BACKUPS = '/apis/velero.io/v1/namespaces/velero/backups';

describe('Kubernetes API: discovery, Tables, chunked lists', () => {
  let fleet: Fleet;
  let kube: Fleet['kube'][number];
  const get = (p: string, headers: Record<string, string> = {}) =>
    request(`${kube.url}${p}`, {
      headers: { authorization: `Bearer ${kube.token}`, ...headers },
      ca: fleet.tls?.caCert,
    });

  beforeAll(async () => {
    fleet = await startKubeTestFleet();
    kube = fleet.kube[1];
  });
  afterAll(() => stopAndClean(fleet));

  it('legacy discovery: /api, /api/v1, /apis, the group and its version', async () => {
    const api = (await get('/api', { accept: 'application/json, */*' })).json();
    expect(api).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [
        { clientCIDR: '0.0.0.0/0', serverAddress: new URL(kube.url).host },
      ],
    });
    const core = (await get('/api/v1')).json();
    expect(core.kind).toBe('APIResourceList');
    expect(core.apiVersion).toBeUndefined(); // the legacy group's list has none
    expect(core.resources.map((r: any) => r.name)).toEqual([
      'namespaces',
      'namespaces/finalize',
      'namespaces/status',
    ]);
    const apis = (await get('/apis')).json();
    expect(apis.groups).toEqual([
      {
        name: 'velero.io',
        versions: [{ groupVersion: 'velero.io/v1', version: 'v1' }],
        preferredVersion: { groupVersion: 'velero.io/v1', version: 'v1' },
      },
    ]);
    expect((await get('/apis/velero.io')).json().kind).toBe('APIGroup');
    const v1 = (await get('/apis/velero.io/v1')).json();
    expect(v1.resources.map((r: any) => [r.name, r.shortNames])).toEqual([
      ['backups', undefined],
      ['backupstoragelocations', ['bsl']],
      ['restores', undefined],
      ['schedules', undefined],
    ]);
    expect(v1.resources[0]).toEqual({
      name: 'backups',
      singularName: 'backup',
      namespaced: true,
      kind: 'Backup',
      verbs: [
        'delete',
        'deletecollection',
        'get',
        'list',
        'patch',
        'create',
        'update',
        'watch',
      ],
      storageVersionHash: 'eSTCs+S6z7U=',
    });
  });

  it('aggregated discovery when asked: the GVK in the Content-Type, an ETag, 304', async () => {
    const res = await get('/apis', { accept: AGGREGATED });
    expect(res.headers['content-type']).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    expect(res.headers.vary).toBe('Accept');
    expect(res.headers.etag).toMatch(/^"[0-9A-F]{128}"$/);
    const doc = res.json();
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2');
    expect(doc.items[0].metadata).toEqual({
      name: 'velero.io',
      creationTimestamp: null,
    });
    expect(doc.items[0].versions[0].freshness).toBe('Current');
    expect(doc.items[0].versions[0].resources[1]).toEqual({
      resource: 'backupstoragelocations',
      responseKind: {
        group: 'velero.io',
        version: 'v1',
        kind: 'BackupStorageLocation',
      },
      scope: 'Namespaced',
      singularResource: 'backupstoragelocation',
      verbs: expect.arrayContaining(['get', 'list', 'watch']),
      shortNames: ['bsl'],
    });
    const again = await get('/apis', {
      accept: AGGREGATED,
      'if-none-match': res.headers.etag as string,
    });
    expect(again.status).toBe(304);
    // The core group: no name, namespaces with their subresources.
    const core = await get('/api', {
      accept:
        'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
    });
    expect(core.headers['content-type']).toContain('v=v2beta1');
    expect(core.json().items[0].metadata).toEqual({ creationTimestamp: null });
    expect(
      core
        .json()
        .items[0].versions[0].resources[0].subresources.map(
          (s: any) => s.subresource,
        ),
    ).toEqual(['finalize', 'status']);
    // A Table is no conversion discovery offers: the legacy document.
    expect((await get('/apis', { accept: TABLE })).json().kind).toBe(
      'APIGroupList',
    );
  });

  it('a list as a Table, with includeObject; one object as a one-row Table', async () => {
    const t = (await get(BACKUPS, { accept: TABLE })).json();
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.metadata).toEqual({
      resourceVersion: fleet.internals.velero[1].resourceVersion,
    });
    expect(t.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Age',
    ]);
    expect(t.rows[0].object.kind).toBe('PartialObjectMetadata');
    const full = (
      await get(`${BACKUPS}?includeObject=Object`, { accept: TABLE })
    ).json();
    expect(full.rows[0].object.kind).toBe('Backup');
    const beta = (
      await get(BACKUPS, {
        accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io',
      })
    ).json();
    expect(beta.apiVersion).toBe('meta.k8s.io/v1beta1');
    const bad = await get(`${BACKUPS}?includeObject=All`, { accept: TABLE });
    expect(bad.status).toBe(400);
    expect(bad.json().reason).toBe('BadRequest');
    const name = t.rows[0].cells[0];
    const one = (await get(`${BACKUPS}/${name}`, { accept: TABLE })).json();
    expect(one.rows).toHaveLength(1);
    expect(one.metadata.resourceVersion).toBe(
      t.rows[0].object.metadata.resourceVersion,
    );
    const ns = (await get('/api/v1/namespaces', { accept: TABLE })).json();
    expect(ns.rows.map((r: any) => r.cells)).toContainEqual([
      'velero',
      'Active',
      '30d',
    ]);
  });

  it('PartialObjectMetadata(List): metadata only; the wrong shape is 406', async () => {
    const pom =
      'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
    const list = (await get(BACKUPS, { accept: pom })).json();
    expect(list.kind).toBe('PartialObjectMetadataList');
    expect(list.items[0]).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: expect.objectContaining({ namespace: 'velero' }),
    });
    expect(list.items[0].spec).toBeUndefined();
    const one = await get(`${BACKUPS}/${list.items[0].metadata.name}`, {
      accept: pom,
    });
    expect(one.status).toBe(406);
    expect(one.json().reason).toBe('NotAcceptable');
  });

  it('limit and continue: pages in key order, remainingItemCount, the same resourceVersion', async () => {
    const all = (await get(BACKUPS)).json();
    expect(all.metadata.continue).toBe('');
    const names: string[] = [];
    const metas: any[] = [];
    let token = '';
    do {
      const page = (
        await get(`${BACKUPS}?limit=5${token ? `&continue=${token}` : ''}`)
      ).json();
      names.push(...page.items.map((b: any) => b.metadata.name));
      metas.push({ ...page.metadata, seen: names.length });
      token = page.metadata.continue;
    } while (token);
    const total = all.items.length;
    expect(metas).toHaveLength(Math.ceil(total / 5));
    expect(names).toEqual(all.items.map((b: any) => b.metadata.name));
    // Every page at the first page's resourceVersion; the count of what is left on all but the last.
    expect(metas.map(m => [m.resourceVersion, m.remainingItemCount])).toEqual(
      metas.map((m, i) => [
        all.metadata.resourceVersion,
        i < metas.length - 1 ? total - m.seen : undefined,
      ]),
    );
    // With a selector the count is unknown; resourceVersion=0 (the watch cache) ignores limit.
    const sel = (
      await get(
        `${BACKUPS}?limit=1&labelSelector=velero.io%2Fstorage-location%3Ddefault`,
      )
    ).json();
    expect(sel.metadata.continue).not.toBe('');
    expect(sel.metadata.remainingItemCount).toBeUndefined();
    expect(
      (await get(`${BACKUPS}?limit=1&resourceVersion=0`)).json().items,
    ).toHaveLength(all.items.length);
    expect((await get(`${BACKUPS}?continue=garbage`)).status).toBe(400);
    const withRv = await get(
      `${BACKUPS}?continue=${sel.metadata.continue}&resourceVersion=5`,
    );
    expect(withRv.json().message).toBe(
      'specifying resource version is not allowed when using continue',
    );
  });
});
