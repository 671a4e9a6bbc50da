import path from 'node:path';
import { startFleet, Fleet } from '../fleet';
import {
  argoClient,
  commitToFleet,
  replaceInFile,
  stopAndClean,
  tempDir,
} from '../testUtils';

jest.setTimeout(30_000);

describe('Argo CD application events and cluster list', () => {
  let fleet: Fleet;
  let main: Awaited<ReturnType<typeof argoClient>>;
  let prod: Awaited<ReturnType<typeof argoClient>>;

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 2,
    });
    main = await argoClient(fleet, 'argocd-main');
    prod = await argoClient(fleet, 'argocd-prod');
  });
  afterAll(() => stopAndClean(fleet));

  const events = async (
    client: typeof main,
    app: string,
  ): Promise<Array<{ reason: string; message: string; [k: string]: any }>> => {
    const res = await client.get(`/api/v1/applications/${app}/events`);
    expect(res.status).toBe(200);
    return res.body.items ?? [];
  };

  it('records a manual sync as the API server and the controller do', async () => {
    expect(
      (await prod.get('/api/v1/applications/payments-api-prod/events')).body,
    ).toEqual({ metadata: { resourceVersion: '1' }, items: null });

    const started = await prod.post(
      '/api/v1/applications/payments-api-prod/sync',
      {},
    );
    expect(started.status).toBe(200);
    const sha = started.body.status.operationState.operation.sync.revision;
    await fleet.clock.advance(20_000);

    const list = await events(prod, 'payments-api-prod');
    expect(list[0]).toMatchObject({
      type: 'Normal',
      reason: 'OperationStarted',
      message: `admin initiated sync to main (${sha})`,
      source: { component: 'argocd-server' },
      involvedObject: {
        kind: 'Application',
        name: 'payments-api-prod',
        namespace: 'argocd',
        apiVersion: 'argoproj.io/v1alpha1',
      },
      count: 1,
    });
    const said = list.map(e => `${e.reason}: ${e.message}`);
    expect(said).toEqual(
      expect.arrayContaining([
        'ResourceUpdated: Updated health status: Healthy -> Progressing',
        `OperationCompleted: Sync operation to ${sha} succeeded`,
        'ResourceUpdated: Updated sync status: OutOfSync -> Synced',
        'ResourceUpdated: Updated health status: Progressing -> Healthy',
      ]),
    );
    // Oldest first, names unique and as Argo forms them (<app>.<hex>).
    const times = list.map(e => Date.parse(e.lastTimestamp));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(list.map(e => e.metadata.name)).size).toBe(list.length);
    expect(list[0].metadata.name).toMatch(/^payments-api-prod\.[0-9a-f]{16}$/);
  });

  it('records a rollback with the history id, and a failed sync as a Warning', async () => {
    const app = (await prod.get('/api/v1/applications/chores-api-prod')).body;
    const id = app.status.history[0].id;
    const res = await prod.post(
      '/api/v1/applications/chores-api-prod/rollback',
      {
        id,
      },
    );
    expect(res.status).toBe(200);
    await fleet.clock.advance(20_000);
    const said = (await events(prod, 'chores-api-prod')).map(e => e.message);
    expect(said).toContain(`admin initiated rollback to ${id}`);
    expect(
      said.some(m => /^Sync operation to [0-9a-f]{40} succeeded$/.test(m)),
    ).toBe(true);
  });

  it('records what the controller does by itself after a commit: drift, automated sync, result', async () => {
    const sha = await commitToFleet(
      fleet,
      'schedule-bot 0.9.0 to staging',
      dir =>
        replaceInFile(
          path.join(dir, 'charts/schedule-bot/values-staging.yaml'),
          /tag: 0\.8\.5/,
          'tag: 0.9.0',
        ),
    );
    await fleet.control.pollGit();
    await fleet.clock.advance(30_000);
    const list = await events(main, 'schedule-bot-staging');
    const said = list.map(e => e.message);
    expect(said).toEqual(
      expect.arrayContaining([
        'Updated sync status: Synced -> OutOfSync',
        `Initiated automated sync to '${sha}'`,
        `Sync operation to ${sha} succeeded`,
        'Updated sync status: OutOfSync -> Synced',
      ]),
    );
    const automated = list.find(e => e.message.startsWith('Initiated'))!;
    expect(automated.source.component).toBe('argocd-application-controller');
  });

  it("answers a resource's events only for a resource of the app's tree", async () => {
    const tree = (
      await prod.get('/api/v1/applications/payments-api-prod/resource-tree')
    ).body;
    const deployment = tree.nodes.find((n: any) => n.kind === 'Deployment');
    const q = new URLSearchParams({
      resourceName: deployment.name,
      resourceUID: deployment.uid,
      resourceNamespace: deployment.namespace,
    });
    const own = await prod.get(
      `/api/v1/applications/payments-api-prod/events?${q}`,
    );
    expect(own.status).toBe(200);
    // The Deployment controller scaled its ReplicaSet up.
    expect(own.body.items).toEqual([
      expect.objectContaining({
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: expect.stringMatching(
          /^Scaled up replica set payments-api-[0-9a-f]+ to \d+$/,
        ),
        involvedObject: expect.objectContaining({
          kind: 'Deployment',
          uid: deployment.uid,
        }),
      }),
    ]);

    q.set('resourceName', 'not-ours');
    const foreign = await prod.get(
      `/api/v1/applications/payments-api-prod/events?${q}`,
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toBe(
      'not-ours not found as part of application payments-api-prod',
    );
    expect(
      (await prod.get('/api/v1/applications/no-such-app/events')).status,
    ).toBe(403);
  });

  it('tells why a pod of a bad image does not start, as kubelet does, its counts growing with the back-off', async () => {
    const appPath = '/api/v1/applications/chores-api-staging';
    const tree = (await main.get(`${appPath}/resource-tree`)).body;
    const pod = tree.nodes.find((n: any) => n.kind === 'Pod');
    expect(pod.health.status).toBe('Degraded');
    const q = new URLSearchParams({
      resourceName: pod.name,
      resourceUID: pod.uid,
      resourceNamespace: pod.namespace,
    });
    const read = async () =>
      (await main.get(`${appPath}/events?${q}`)).body.items as any[];
    const first = await read();
    const failed = first.find(e =>
      e.message.startsWith('Failed to pull image'),
    );
    expect(failed).toMatchObject({
      type: 'Warning',
      reason: 'Failed',
      source: { component: 'kubelet' },
      involvedObject: { kind: 'Pod', name: pod.name, uid: pod.uid },
    });
    expect(failed.message).toContain(pod.images[0]);
    expect(first.map(e => e.message)).toEqual(
      expect.arrayContaining([
        'Error: ImagePullBackOff',
        `Back-off pulling image "${pod.images[0]}"`,
      ]),
    );
    await fleet.clock.advance(11 * 60_000);
    const later = (await read()).find(e => e.message === failed.message);
    expect(later.count).toBeGreaterThan(failed.count);
    expect(Date.parse(later.lastTimestamp)).toBeGreaterThan(
      Date.parse(failed.lastTimestamp),
    );
  });

  it('lists clusters sanitised, with connection state and application counts, and filters them', async () => {
    const res = await main.get('/api/v1/clusters');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const cluster = res.body.items[0];
    expect(cluster).toMatchObject({
      server: 'https://kubernetes.default.svc',
      name: 'in-cluster',
      connectionState: { status: 'Successful' },
      info: {
        applicationsCount: fleet.internals.instances.find(
          i => i.name === 'argocd-main',
        )!.apps.size,
      },
    });
    expect(JSON.stringify(cluster)).not.toMatch(/bearerToken|password|keyData/);

    const byName = await main.get(
      '/api/v1/clusters?id.type=name&id.value=in-cluster',
    );
    expect(byName.body.items).toHaveLength(1);
    const none = await main.get('/api/v1/clusters?server=https://elsewhere');
    expect(none.body.items).toBeNull();
  });
});
