import type { Fleet } from '@internal/fleet-simulator';
import { fleetFetch, startTestFleet } from '../../__testUtils__/fleetBackend';
import { ArgoCdClient, jwtExpiry } from './ArgoCdClient';
import { toDeploymentApp } from './mapping';
import type { ArgoStreamEvent } from './eventStream';

/** The whole list, as the store gets it. */
async function listAll(client: ArgoCdClient) {
  const applications: ReturnType<typeof toDeploymentApp>[] = [];
  const result = await client.listApplications(app =>
    applications.push(toDeploymentApp(client.name, app, { detailed: false })),
  );
  return { ...result, applications };
}

// Real servers (the simulated fleet) on a shared 2-core machine: generous timeouts.
jest.setTimeout(60_000);

describe('ArgoCdClient against the simulated Argo CD', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
  });
  afterAll(() => cleanup());
  afterEach(async () => {
    await fleet.control.clearFaults();
    fleet.control.resetCounts();
  });

  const passwordClient = (
    clock = { now: () => fleet.clock.now() },
    index = 0,
  ) => {
    const a = fleet.argo[index];
    return new ArgoCdClient(
      {
        name: a.name,
        url: a.url,
        username: a.username,
        password: a.password,
        timeoutMs: 1000,
      },
      clock,
      fleetFetch(fleet),
    );
  };
  const counts = () => fleet.control.counts().argo['argocd-main'];

  it('lists applications with a fields projection, logging in once', async () => {
    fleet.control.resetCounts();
    const client = passwordClient();
    const first = await listAll(client);
    await listAll(client);
    expect(first.resourceVersion).toMatch(/^\d+$/);
    expect(first.count).toBe(first.applications.length);
    const app = first.applications.find(a => a.name === 'payments-api-dev');
    expect(app).toMatchObject({
      instance: 'argocd-main',
      labels: { app: 'payments-api', environment: 'dev' },
      images: ['registry.example.com/payments-api:1.4.0'],
      sync: 'Synced',
      health: 'Healthy',
      autoSync: true,
      destination: { namespace: 'payments-api-dev' },
    });
    // A projected list is a summary: no history (the portal asks for it per application).
    expect(app!.history).toBeUndefined();
    expect(counts()['POST /api/v1/session']).toBe(1);
    expect(counts()['GET /api/v1/applications']).toBe(2);
  });

  it('caches the session token until shortly before exp, then logs in again', async () => {
    const client = passwordClient();
    await listAll(client);
    fleet.control.resetCounts();
    await fleet.clock.advance(86_400_000 - 30_000); // inside the renewal margin
    await listAll(client);
    expect(counts()['POST /api/v1/session']).toBe(1);
  });

  it('logs in again once when the server rejects a token it thinks valid', async () => {
    // Our clock lags the server's: the server sees the token as expired, we do not.
    const frozen = fleet.clock.now();
    const client = passwordClient({ now: () => frozen });
    await listAll(client);
    await fleet.clock.advance(2 * 86_400_000);
    fleet.control.resetCounts();
    await listAll(client);
    expect(counts()['POST /api/v1/session']).toBe(1);
    expect(counts()['GET /api/v1/applications']).toBe(2);
  });

  it('uses a static token as is and reports a rejected one without it', async () => {
    const a = fleet.argo[0];
    const good = new ArgoCdClient(
      { name: a.name, url: a.url, token: a.token },
      { now: () => fleet.clock.now() },
      fleetFetch(fleet),
    );
    expect((await listAll(good)).applications.length).toBeGreaterThan(0);
    const bad = new ArgoCdClient(
      { name: a.name, url: a.url, token: 'SECRET-TOKEN-456' },
      { now: () => fleet.clock.now() },
      fleetFetch(fleet),
    );
    const error = await listAll(bad).catch(e => e as Error);
    expect((error as Error).message).toContain('401');
    expect((error as Error).message).not.toContain('SECRET-TOKEN-456');
  });

  it('reads a resource tree and revision metadata, and answers 403 for unknown apps', async () => {
    const client = passwordClient();
    const tree = await client.getResourceTree({ name: 'payments-api-dev' });
    expect(tree.nodes?.some(n => n.kind === 'Deployment')).toBe(true);
    const app = await client.getApplication({ name: 'payments-api-dev' });
    const revision = app.status?.history?.slice(-1)[0]?.revision;
    const meta = await client.getRevisionMetadata(
      { name: 'payments-api-dev' },
      revision!,
    );
    expect(meta.author).toBeTruthy();
    const error = await client
      .getApplication({ name: 'nope' })
      .catch(e => e as Error & { status?: number });
    expect(error.status).toBe(403);
  });

  it('reports malformed JSON and timeouts as upstream errors', async () => {
    const client = passwordClient();
    await listAll(client);
    await fleet.control.setFault('argocd-main', { malformed: true });
    await expect(listAll(client)).rejects.toThrow(/malformed JSON/);
    await fleet.control.setFault('argocd-main', { hang: true });
    await expect(listAll(client)).rejects.toThrow(/timed out after 1000 ms/);
  });

  it("follows the application stream from a list's resourceVersion, with history", async () => {
    const client = passwordClient(undefined, 1);
    const { resourceVersion } = await listAll(client);
    const controller = new AbortController();
    const events: ArgoStreamEvent[] = [];
    const done = client.watchApplications({
      resourceVersion,
      signal: controller.signal,
      onEvent: e => {
        events.push(e);
        if (
          e.type === 'MODIFIED' &&
          e.application.metadata.name === 'payments-api-prod'
        ) {
          controller.abort();
        }
      },
    });
    const instance = fleet.internals.instances[1];
    await instance.startSync(instance.apps.get('payments-api-prod')!, {
      initiatedBy: { username: 'alice' },
    });
    await done;
    // From a resourceVersion Argo CD replays nothing: only the change.
    expect(events.filter(e => e.type === 'ADDED')).toEqual([]);
    const event = events.find(
      e => e.application.metadata.name === 'payments-api-prod',
    )!;
    expect(event.type).toBe('MODIFIED');
    const app = toDeploymentApp('argocd-prod', event.application, {
      detailed: true,
    });
    expect(app.operation).toMatchObject({
      phase: 'Running',
      initiatedBy: 'alice',
    });
    expect(app.history!.length).toBeGreaterThan(0);
    expect(app.resourceVersion).toMatch(/^\d+$/);
    await fleet.clock.advance(20_000);
  });

  it('reads the tasks of a finished sync in the order Argo CD ran them', async () => {
    const client = passwordClient(undefined, 1);
    const instance = fleet.internals.instances[1];
    await instance.startSync(instance.apps.get('payments-api-prod')!, {
      initiatedBy: { username: 'alice' },
    });
    await fleet.clock.advance(20_000);
    const app = toDeploymentApp(
      'argocd-prod',
      await client.getApplication({ name: 'payments-api-prod' }),
      { detailed: true },
    );
    expect(app.operation?.phase).toBe('Succeeded');
    const tasks = app.operation?.tasks ?? [];
    expect(tasks).toContainEqual(
      expect.objectContaining({
        kind: 'Deployment',
        name: 'payments-api',
        syncPhase: 'Sync',
        status: 'Synced',
      }),
    );
    // Phase first: the tasks come PreSync, then Sync, then PostSync.
    const rank = (p?: string) => ['PreSync', 'Sync', 'PostSync'].indexOf(p!);
    const phases = tasks.map(t => t.syncPhase);
    expect(phases).toEqual([...phases].sort((a, b) => rank(a) - rank(b)));
    expect(app.operation?.retry).toEqual({ count: 0, limit: 5 });
  });
});

describe('ArgoCdClient at the network boundary', () => {
  it('accepts "items": null for an empty list', async () => {
    const fetchFn = (async () =>
      new Response('{"metadata":{},"items":null}', {
        status: 200,
      })) as unknown as typeof fetch;
    const client = new ArgoCdClient(
      { name: 'x', url: 'http://argo.invalid', token: 't' },
      { now: () => new Date() },
      fetchFn,
    );
    expect(await listAll(client)).toEqual({ applications: [], count: 0 });
  });

  it('reports a wrong shape as malformed instead of throwing a TypeError', async () => {
    const fetchFn = (async () =>
      new Response('{"items":[{"metadata":{"name":42}}]}', {
        status: 200,
      })) as unknown as typeof fetch;
    const client = new ArgoCdClient(
      { name: 'x', url: 'http://argo.invalid', token: 't' },
      { now: () => new Date() },
      fetchFn,
    );
    await expect(listAll(client)).rejects.toThrow(
      /unexpected shape at items.0.metadata.name/,
    );
  });

  it('reads exp from a JWT', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 1700000000 })).toString(
      'base64url',
    );
    expect(jwtExpiry(`h.${payload}.s`)).toBe(1700000000000);
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
  });
});
