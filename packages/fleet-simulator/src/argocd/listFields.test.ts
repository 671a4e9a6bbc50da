import { startFleet, Fleet } from '../fleet';
import { argoClient, fleetFetch, stopAndClean, tempDir } from '../testUtils';
import { APP_FIELD_KEYS } from './listFields';

jest.setTimeout(30_000);

/** What the product asks for (plugins' LIST_FIELDS). */
const PRODUCT_FIELDS = [
  'metadata.resourceVersion',
  'items.metadata.name',
  'items.metadata.namespace',
  'items.metadata.labels',
  'items.spec',
  'items.status.sync.status',
  'items.status.sync.revision',
  'items.status.health',
  'items.status.summary',
  'items.status.operationState.phase',
  'items.status.operationState.startedAt',
  'items.status.operationState.finishedAt',
].join(',');

describe('Argo CD list fields (v3.5.1 appFields)', () => {
  let fleet: Fleet;
  let main: Awaited<ReturnType<typeof argoClient>>;
  const raw = async (query: string) => {
    const res = await fleetFetch(
      fleet,
      `${main.url}/api/v1/applications?${query}`,
      {
        headers: { authorization: `Bearer ${main.token}` },
      },
    );
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 20,
      argo: { reconcileIntervalMs: 0 },
    });
    main = await argoClient(fleet, 'argocd-main');
  });
  afterAll(() => stopAndClean(fleet));

  it('keeps only map keys, items first, metadata always, labels sorted', async () => {
    const { status, text } = await raw(
      `fields=${PRODUCT_FIELDS}&selector=app%3Dpayments-api`,
    );
    expect(status).toBe(200);
    expect(text.startsWith('{"items":[{"metadata":{"labels":{')).toBe(true);
    const body = JSON.parse(text);
    expect(Object.keys(body)).toEqual(['items', 'metadata']);
    expect(body.metadata).toEqual({
      resourceVersion: fleet.internals.instances[0].resourceVersion,
    });
    const item = body.items[0];
    const app = fleet.internals.instances[0].apps.get('payments-api-dev')!.obj;
    expect(item).toEqual({
      metadata: {
        labels: app.metadata.labels,
        name: 'payments-api-dev',
        namespace: 'argocd',
      },
      spec: app.spec,
      status: {
        health: app.status.health,
        operationState: {
          finishedAt: app.status.operationState.finishedAt,
          phase: 'Succeeded',
          startedAt: app.status.operationState.startedAt,
        },
        summary: app.status.summary,
        sync: { revision: app.status.sync.revision, status: 'Synced' },
      },
    });
    expect(Object.keys(item.metadata.labels)).toEqual(
      Object.keys(app.metadata.labels).sort(),
    );
    // So no history, no per-item resourceVersion, no reconciledAt.
    expect(text).not.toContain('"history"');
    expect(text).not.toContain(
      `"resourceVersion":"${app.metadata.resourceVersion}"`,
    );
    expect(text).not.toContain('reconciledAt');
  });

  it('writes typed nils as null and leaves untyped nils out', async () => {
    const items = async (query: string) =>
      JSON.parse((await raw(query)).text).items;
    // The root app has no operationState: those keys vanish; no annotations: null.
    expect(
      await items(
        'name=root&fields=items.metadata.annotations,items.status.operationState.finishedAt,items.operation.sync,items.spec.sources',
      ),
    ).toEqual([{ metadata: { annotations: null }, spec: { sources: null } }]);
    await main.post('/api/v1/applications/chores-api-staging/sync', {});
    expect(
      await items(
        'name=chores-api-staging&fields=items.status.operationState.finishedAt,items.status.operationState.phase,items.operation.sync',
      ),
    ).toEqual([
      {
        operation: {
          sync: expect.objectContaining({ revision: expect.any(String) }),
        },
        status: { operationState: { finishedAt: null, phase: 'Running' } },
      },
    ]);
    await fleet.clock.advance(30_000);
  });

  it('ignores keys outside the map and answers an empty projection with items: null', async () => {
    const body = JSON.parse(
      (
        await raw(
          'selector=app%3Dchores-api&fields=items.status.history,items.metadata.resourceVersion,items.status.reconciledAt',
        )
      ).text,
    );
    expect(body.items).toEqual([{}, {}]);
    expect(
      (await raw('selector=app%3Dnope&fields=items.metadata.name')).text,
    ).toBe(
      `{"items":null,"metadata":{"resourceVersion":"${fleet.internals.instances[0].resourceVersion}"}}`,
    );
    // Only the first `fields` value counts, and its entries are not trimmed.
    const first = JSON.parse(
      (
        await raw(
          'name=root&fields=items.metadata.name,%20items.spec.project&fields=items.spec',
        )
      ).text,
    );
    expect(first.items).toEqual([{ metadata: { name: 'root' } }]);
  });

  it('a leading "-" excludes map keys; the rest of the map is selected', async () => {
    const body = JSON.parse(
      (
        await raw(
          'name=payments-api-dev&fields=-items.spec,items.status.resources',
        )
      ).text,
    );
    const item = body.items[0];
    expect(Object.keys(item).sort()).toEqual(['metadata', 'spec', 'status']);
    // `spec` itself is excluded, its map keys are not.
    expect(Object.keys(item.spec).sort()).toEqual([
      'destination',
      'project',
      'source',
      'sourceHydrator',
      'sources',
      'syncPolicy',
    ]);
    expect(item.status.resources).toBeUndefined();
    expect(item.status.history).toBeUndefined();
    expect(item.status.sourceHydrator).toEqual({});
    expect(Object.keys(item.metadata).sort()).toEqual([
      'annotations',
      'creationTimestamp',
      'deletionTimestamp',
      'labels',
      'name',
      'namespace',
    ]);
    expect(APP_FIELD_KEYS).toHaveLength(24);
  });

  it('fails like Go when `spec` and a `spec.*` key are both selected (random map order)', async () => {
    const res = await raw('fields=items.spec,items.spec.project');
    expect(res).toEqual({
      status: 500,
      text: '{"error": "failed to marshal error message"}',
    });
    // Excluding one key selects both `spec` and its sub-keys: the same failure.
    expect((await raw('fields=-items.metadata.labels')).status).toBe(500);
  });
});
