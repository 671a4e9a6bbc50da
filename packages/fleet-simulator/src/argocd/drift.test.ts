import path from 'node:path';
import { startFleet, Fleet } from '../fleet';
import {
  argoClient,
  commitToFleet,
  openRawStream,
  replaceInFile,
  sseMessages,
  stopAndClean,
  tempDir,
} from '../testUtils';

jest.setTimeout(30_000);

type Client = Awaited<ReturnType<typeof argoClient>>;

describe('drift in the cluster: OutOfSync, self-heal, prune', () => {
  let fleet: Fleet;
  let main: Client;
  let prod: Client;

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      // Whole seconds: finishedAt has second precision, and the backoff counts from it.
      startTime: new Date('2026-11-23T10:00:00Z'),
      appsPerInstance: 0,
      argo: { reconcileIntervalMs: 0 },
    });
    main = await argoClient(fleet, 'argocd-main');
    prod = await argoClient(fleet, 'argocd-prod');
  });
  afterAll(() => stopAndClean(fleet));

  const get = async (client: Client, app: string) =>
    (await client.get(`/api/v1/applications/${app}`)).body;
  const statuses = (app: any) =>
    app.status.resources.map((r: any) => `${r.kind}/${r.name} ${r.status}`);
  const deployment = async (client: Client, app: string) => {
    const res = await client.get(
      `/api/v1/applications/${app}/managed-resources?kind=Deployment`,
    );
    const [item] = res.body.items;
    return { ...item, live: JSON.parse(item.liveState) };
  };
  const events = async (client: Client, app: string) =>
    (
      (await client.get(`/api/v1/applications/${app}/events`)).body.items ?? []
    ).map((e: any) => e.message);
  const scale = (app: string, replicas: number) =>
    fetch(
      `${fleet.controlUrl}/control/argocd/argocd-main/applications/${app}/live`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          kind: 'Deployment',
          name: app.replace(/-(dev|staging)$/, ''),
          patch: { spec: { replicas } },
        }),
      },
    );

  it('a drift makes the app OutOfSync; self-heal syncs the drifted resource back, with its backoff', async () => {
    const stream = openRawStream(
      `${main.url}/api/v1/stream/applications?name=payments-api-staging`,
      { authorization: `Bearer ${main.token}`, accept: 'text/event-stream' },
      { ca: fleet.tls?.caCert },
    );
    await stream.waitFor(t => sseMessages(t).length >= 1);
    // Synced to HEAD first, so a drift is one of an already attempted revision (self-heal's case).
    await main.post('/api/v1/applications/payments-api-staging/sync', {});
    await fleet.clock.advance(10_000);
    const historyBefore = (await get(main, 'payments-api-staging')).status
      .history;

    const mark = sseMessages(
      await stream.waitFor(t =>
        sseMessages(t).some(
          m =>
            m.result.application.status.health.status === 'Healthy' &&
            m.result.application.status.operationState?.operation?.initiatedBy
              ?.username,
        ),
      ),
    ).length;
    expect((await scale('payments-api-staging', 5)).status).toBe(200);
    const drifted = await get(main, 'payments-api-staging');
    expect(drifted.status.sync.status).toBe('OutOfSync');
    expect(statuses(drifted)).toEqual([
      'Service/payments-api Synced',
      'Deployment/payments-api OutOfSync',
      'ConfigMap/payments-api-config Synced',
    ]);
    const dep = await deployment(main, 'payments-api-staging');
    expect(dep.modified).toBe(true);
    expect(dep.live.spec.replicas).toBe(5);
    expect(JSON.parse(dep.normalizedLiveState).spec.replicas).toBe(5);
    expect(JSON.parse(dep.predictedLiveState).spec.replicas).toBe(2);
    expect(dep.live.metadata.managedFields.map((m: any) => m.manager)).toEqual([
      'argocd-controller',
      'kube-controller-manager',
      'kubectl-patch',
    ]);
    const tree = (
      await main.get('/api/v1/applications/payments-api-staging/resource-tree')
    ).body;
    expect(tree.nodes.filter((n: any) => n.kind === 'Pod')).toHaveLength(5);

    // First self-heal of this revision: no backoff, only the controller's reaction time.
    await fleet.clock.advance(1000);
    const healing = await get(main, 'payments-api-staging');
    expect(healing.status.operationState.phase).toBe('Running');
    expect(healing.status.operationState.operation).toMatchObject({
      initiatedBy: { automated: true },
      sync: {
        resources: [
          { group: 'apps', kind: 'Deployment', name: 'payments-api' },
        ],
        autoHealAttemptsCount: 1,
        prune: true,
      },
    });
    await fleet.clock.advance(4000);
    const healed = await get(main, 'payments-api-staging');
    expect(healed.status.sync.status).toBe('Synced');
    expect(healed.status.operationState.syncResult.resources).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        status: 'Synced',
        message: 'deployment.apps/payments-api configured',
      }),
    ]);
    // A selective sync adds no history entry, as Argo records only full syncs.
    expect(healed.status.history).toEqual(historyBefore);
    expect(
      (await deployment(main, 'payments-api-staging')).live.spec.replicas,
    ).toBe(2);
    const said = await events(main, 'payments-api-staging');
    expect(said).toEqual(
      expect.arrayContaining([
        'Updated sync status: Synced -> OutOfSync',
        `Initiated automated sync to '${healed.status.sync.revision}'`,
        'Updated sync status: OutOfSync -> Synced',
      ]),
    );

    // The stream saw the drift and the repair as MODIFIED events.
    const seen = sseMessages(
      await stream.waitFor(t =>
        sseMessages(t)
          .slice(mark + 1)
          .some(m => m.result.application.status.sync.status === 'Synced'),
      ),
    );
    stream.close();
    const syncs = seen
      .slice(mark)
      .map(m => [m.result.type, m.result.application.status.sync.status]);
    expect(syncs[0]).toEqual(['MODIFIED', 'OutOfSync']);
    expect(syncs.slice(1)).toContainEqual(['MODIFIED', 'Synced']);

    // A second drift right after: the backoff's first step (2 s from the repair's end).
    await scale('payments-api-staging', 7);
    await fleet.clock.advance(1999);
    expect(
      (await get(main, 'payments-api-staging')).status.operationState.phase,
    ).toBe('Succeeded');
    await fleet.clock.advance(1);
    const again = (await get(main, 'payments-api-staging')).status
      .operationState;
    expect(again.phase).toBe('Running');
    expect(again.operation.sync.autoHealAttemptsCount).toBe(2);
    await fleet.clock.advance(4000);
    expect((await get(main, 'payments-api-staging')).status.sync.status).toBe(
      'Synced',
    );
  });

  it('without selfHeal a drift stays OutOfSync once the revision was synced', async () => {
    await commitToFleet(fleet, 'chores-api dev: no self-heal', dir =>
      replaceInFile(
        path.join(dir, 'argocd/apps/chores-api-dev.yaml'),
        /selfHeal: true/,
        'selfHeal: false',
      ),
    );
    await fleet.control.pollGit();
    const app = await get(main, 'chores-api-dev');
    expect(app.spec.syncPolicy.automated).toEqual({
      prune: true,
      selfHeal: false,
    });
    expect(app.status.sync.status).toBe('Synced');
    const revision = app.status.sync.revision;

    // HEAD moved past the last sync: Argo treats the first drift as a revision to sync (all of it).
    await scale('chores-api-dev', 3);
    await fleet.clock.advance(1000);
    const full = (await get(main, 'chores-api-dev')).status.operationState;
    expect(full.operation.sync.revision).toBe(revision);
    expect(full.operation.sync.resources).toBeUndefined();
    await fleet.clock.advance(4000);
    const synced = await get(main, 'chores-api-dev');
    expect(synced.status.sync.status).toBe('Synced');

    // Now that revision was attempted: the next drift stays.
    await scale('chores-api-dev', 4);
    await fleet.clock.advance(600_000);
    const stays = await get(main, 'chores-api-dev');
    expect(stays.status.sync.status).toBe('OutOfSync');
    expect(statuses(stays)).toContain('Deployment/chores-api OutOfSync');
    expect(stays.status.operationState.startedAt).toBe(
      synced.status.operationState.startedAt,
    );
    expect((await deployment(main, 'chores-api-dev')).live.spec.replicas).toBe(
      4,
    );
  });

  it('a live image that cannot be pulled (kubectl set image) makes the app Degraded until a sync puts back what git says', async () => {
    const setImage = (image: string) =>
      fleet.control.setLiveImage(
        'argocd-prod',
        'payments-api-prod',
        'payments-api',
        image,
      );
    const before = await get(prod, 'payments-api-prod');
    expect(before.status.health.status).toBe('Healthy');
    setImage('registry.example.com/payments-api:1.3.0-bad');
    const broken = await get(prod, 'payments-api-prod');
    expect(broken.status.health).toMatchObject({
      status: 'Degraded',
      message: 'Deployment "payments-api" exceeded its progress deadline',
    });
    expect(broken.status.sync.status).toBe('OutOfSync');
    expect(broken.status.summary.images).toEqual([
      'registry.example.com/payments-api:1.3.0-bad',
    ]);

    await prod.post('/api/v1/applications/payments-api-prod/sync', {});
    await fleet.clock.advance(10_000);
    const fixed = await get(prod, 'payments-api-prod');
    expect(fixed.status.operationState.phase).toBe('Succeeded');
    expect(fixed.status.health.status).toBe('Healthy');
    expect(fixed.status.summary.images).toEqual(
      before.status.summary.images.map((i: string) =>
        i.replace(/:[^:]+$/, ':1.3.1'),
      ),
    );
  });

  it('a live resource git does not hold needs a sync with prune; a dry run changes nothing', async () => {
    const name = 'chores-api-prod';
    const before = await get(prod, name);
    expect(before.status.sync.status).toBe('Synced');
    fleet.control.addLive('argocd-prod', name, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'legacy-flags' },
      data: { OLD: 'true' },
    });
    fleet.control.patchLive('argocd-prod', name, {
      kind: 'Deployment',
      name: 'chores-api',
      patch: {
        metadata: { labels: { team: 'x' } },
        spec: { minReadySeconds: 5 },
      },
    });
    const drifted = await get(prod, name);
    expect(drifted.status.sync.status).toBe('OutOfSync');
    expect(drifted.status.resources).toContainEqual({
      version: 'v1',
      kind: 'ConfigMap',
      namespace: 'chores-api-prod',
      name: 'legacy-flags',
      status: 'OutOfSync',
      requiresPruning: true,
    });
    // A label someone added is no difference (three-way diff); a spec field git never set is not
    // either; so the Deployment stays Synced.
    expect(statuses(drifted)).toContain('Deployment/chores-api Synced');
    const items = (
      await prod.get(`/api/v1/applications/${name}/managed-resources`)
    ).body.items;
    const extra = items.find((i: any) => i.name === 'legacy-flags');
    expect(extra).toMatchObject({
      targetState: 'null',
      predictedLiveState: 'null',
    });
    expect(extra.modified).toBeUndefined();
    expect(JSON.parse(extra.liveState).metadata.annotations).toEqual({
      'argocd.argoproj.io/tracking-id':
        'chores-api-prod:/ConfigMap:chores-api-prod/legacy-flags',
    });
    const tree = (await prod.get(`/api/v1/applications/${name}/resource-tree`))
      .body;
    expect(tree.nodes.map((n: any) => n.name)).toContain('legacy-flags');

    // An image drift too, which a sync reverts.
    fleet.control.patchLive('argocd-prod', name, {
      kind: 'Deployment',
      name: 'chores-api',
      patch: {
        spec: {
          template: {
            spec: { containers: [{ name: 'chores-api', image: 'x:1' }] },
          },
        },
      },
      type: 'strategic',
    });
    expect(statuses(await get(prod, name))).toContain(
      'Deployment/chores-api OutOfSync',
    );

    const run = async (body: object) => {
      expect(
        (await prod.post(`/api/v1/applications/${name}/sync`, body)).status,
      ).toBe(200);
      await fleet.clock.advance(10_000);
      return get(prod, name);
    };
    const pruned = (app: any) =>
      app.status.operationState.syncResult.resources.find(
        (r: any) => r.name === 'legacy-flags',
      );

    const dry = await run({ prune: true, dryRun: true });
    expect(dry.status.operationState.message).toBe(
      'successfully synced (dry run)',
    );
    expect(pruned(dry)).toMatchObject({
      status: 'Pruned',
      message: 'pruned (dry run)',
    });
    expect(dry.status.history).toEqual(before.status.history);
    expect(statuses(dry)).toEqual(
      statuses(drifted).map((s: string) =>
        s.startsWith('Deployment') ? 'Deployment/chores-api OutOfSync' : s,
      ),
    );

    const noPrune = await run({});
    expect(noPrune.status.operationState.phase).toBe('Succeeded');
    expect(pruned(noPrune)).toEqual({
      version: 'v1',
      kind: 'ConfigMap',
      namespace: 'chores-api-prod',
      name: 'legacy-flags',
      status: 'PruneSkipped',
      message: 'ignored (requires pruning)',
      hookPhase: 'Succeeded',
      syncPhase: 'Sync',
    });
    expect(noPrune.status.sync.status).toBe('OutOfSync');
    expect(statuses(noPrune)).toEqual([
      'Service/chores-api Synced',
      'Deployment/chores-api Synced',
      'ConfigMap/chores-api-config Synced',
      'ConfigMap/legacy-flags OutOfSync',
    ]);
    // The apply reset what git sets (the image) and kept what git never set.
    const applied = (await deployment(prod, name)).live;
    expect(applied.spec.template.spec.containers[0].image).toBe(
      before.status.summary.images[0],
    );
    expect(applied.metadata.labels.team).toBe('x');
    expect(applied.spec.minReadySeconds).toBe(5);

    const withPrune = await run({ prune: true });
    expect(pruned(withPrune)).toMatchObject({
      status: 'Pruned',
      message: 'pruned',
    });
    expect(withPrune.status.sync.status).toBe('Synced');
    expect(withPrune.status.resources).toHaveLength(3);
    expect(
      (
        await prod.get(`/api/v1/applications/${name}/managed-resources`)
      ).body.items.map((i: any) => i.name),
    ).not.toContain('legacy-flags');
  });
});
