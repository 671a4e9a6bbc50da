import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { startFleet, Fleet } from '../fleet';
import {
  argoClient,
  commitToFleet,
  fleetFetch,
  replaceInFile,
  stopAndClean,
  tempDir,
} from '../testUtils';
import { matchesSelector, parseSelector } from '../util/labels';

jest.setTimeout(30_000);

/** Reads SSE `data:` lines (Accept: text/event-stream) until `count` events arrived. */
function readStream(
  url: string,
  token: string,
  count: number,
  onOpen?: () => void,
  ca?: string,
): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    const req = (url.startsWith('https:') ? https.get : http.get)(
      url,
      {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'text/event-stream',
        },
        ca,
      },
      res => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        let buf = '';
        let opened = false;
        res.on('data', chunk => {
          buf += chunk;
          for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (!line.startsWith('data: ')) continue;
            events.push(JSON.parse(line.slice(6)));
            if (events.length === count) {
              req.destroy();
              resolve(events);
            }
          }
          if (!opened) {
            opened = true;
            onOpen?.();
          }
        });
      },
    );
    req.on('error', e => (events.length >= count ? undefined : reject(e)));
  });
}

describe('Argo CD API', () => {
  let fleet: Fleet;
  let main: Awaited<ReturnType<typeof argoClient>>;

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 4,
      tokenTtlSeconds: 600,
    });
    main = await argoClient(fleet, 'argocd-main');
  });
  afterAll(() => stopAndClean(fleet));

  it('requires a bearer token or the argocd.token cookie, and accepts the static API token', async () => {
    const url = `${fleet.argo[0].url}/api/v1/applications`;
    const none = await fleetFetch(fleet, url);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      error: 'no session information',
      code: 16,
      message: 'no session information',
    });
    expect(
      (
        await fleetFetch(fleet, url, {
          headers: { cookie: `argocd.token=${main.token}` },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await fleetFetch(fleet, url, {
          headers: { authorization: `Bearer ${fleet.argo[0].token}` },
        })
      ).status,
    ).toBe(200);
    const bad = await fleetFetch(fleet, `${fleet.argo[0].url}/api/v1/session`, {
      method: 'POST',
      body: '{"username":"admin","password":"x"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(401);
  });

  it('session tokens carry exp and expire on the simulated clock', async () => {
    const claims = JSON.parse(
      Buffer.from(main.token.split('.')[1], 'base64url').toString(),
    );
    expect(claims.exp - claims.iat).toBe(600);
    const fresh = await argoClient(fleet, 'argocd-main');
    await fleet.clock.advance(601_000);
    const res = await fresh.get('/api/v1/applications');
    expect(res.status).toBe(401);
    expect(res.body.message).toContain('token is expired');
    main = await argoClient(fleet, 'argocd-main');
  });

  it('filters by selector, projects, name and answers empty lists with items: null', async () => {
    const names = async (q: string) =>
      ((await main.get(`/api/v1/applications?${q}`)).body.items ?? []).map(
        (i: any) => i.metadata.name,
      );
    expect(await names('selector=app%3Dpayments-api')).toEqual([
      'payments-api-dev',
      'payments-api-staging',
    ]);
    expect(
      await names('selector=app%3D%3Dpayments-api,environment!%3Ddev'),
    ).toEqual(['payments-api-staging']);
    expect(
      await names(
        `selector=${encodeURIComponent(
          'app in (chores-api,schedule-bot),environment notin (dev)',
        )}`,
      ),
    ).toEqual(['chores-api-staging', 'schedule-bot-staging']);
    expect(await names('selector=synthetic')).toHaveLength(4);
    // dev and staging of the four seeded services, and the app-of-apps.
    expect((await names('selector=!synthetic')).length).toBe(9);
    expect(
      await names(
        'projects=payments&projects=household&selector=environment%3Dstaging',
      ),
    ).toEqual([
      'chores-api-staging',
      'payments-api-staging',
      'payments-ledger-staging',
      'schedule-bot-staging',
    ]);
    expect(await names('name=root')).toEqual(['root']);
    const empty = await main.get('/api/v1/applications?selector=app%3Dnope');
    expect(empty.body.items).toBeNull();
    expect(empty.body.metadata.resourceVersion).toMatch(/^\d+$/);
  });

  it('applies the fields projection', async () => {
    const res = await main.get(
      '/api/v1/applications?selector=app%3Dpayments-api&fields=items.metadata.name,items.status.sync.status,metadata.resourceVersion',
    );
    expect(Object.keys(res.body).sort()).toEqual(['items', 'metadata']);
    expect(res.body.items[0]).toEqual({
      metadata: { name: 'payments-api-dev' },
      status: { sync: { status: 'Synced' } },
    });
  });

  it('answers 403 permission denied for unknown apps and wrong appNamespace', async () => {
    const denied = {
      error: 'permission denied',
      code: 7,
      message: 'permission denied',
    };
    expect(await main.get('/api/v1/applications/does-not-exist')).toEqual({
      status: 403,
      body: denied,
    });
    expect(
      (
        await main.get(
          '/api/v1/applications/payments-api-dev?appNamespace=other',
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await main.get('/api/v1/applications/payments-api-dev/resource-tree')
      ).body.nodes.map((n: any) => n.kind),
    ).toEqual(['Deployment', 'ReplicaSet', 'Pod', 'Service']);
  });

  it('streams ADDED for matching apps, then MODIFIED on change', async () => {
    const url = `${main.url}/api/v1/stream/applications?selector=app%3Dpayments-api`;
    const events = await readStream(
      url,
      main.token,
      3,
      () => {
        void commitToFleet(fleet, 'payments-api 1.4.1 to dev', dir =>
          replaceInFile(
            path.join(dir, 'apps/payments-api/overlays/dev/kustomization.yaml'),
            /newTag: .*/,
            'newTag: 1.4.1',
          ),
        ).then(() => fleet.control.pollGit());
      },
      fleet.tls?.caCert,
    );
    expect(
      events
        .slice(0, 2)
        .map(e => [e.result.type, e.result.application.metadata.name]),
    ).toEqual([
      ['ADDED', 'payments-api-dev'],
      ['ADDED', 'payments-api-staging'],
    ]);
    expect(events[2].result.type).toBe('MODIFIED');
    expect(events[2].result.application.metadata.name).toBe('payments-api-dev');
  });

  it('injects faults: errors, malformed JSON, latency, instance down', async () => {
    const url = `${fleet.argo[0].url}/api/v1/applications`;
    const auth = { headers: { authorization: `Bearer ${main.token}` } };
    await fleet.control.setFault('argocd-main', { errorRate: 1, status: 503 });
    expect((await fleetFetch(fleet, url, auth)).status).toBe(503);
    await fleet.control.setFault('argocd-main', { malformed: true });
    const malformed = await fleetFetch(fleet, url, auth);
    await expect(malformed.json()).rejects.toThrow();
    await fleet.control.setFault('argocd-main', { latencyMs: 150 });
    const t0 = Date.now();
    await fleetFetch(fleet, url, auth);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await fleet.control.setFault('argocd-main', { hang: true });
    await expect(
      fleetFetch(fleet, url, { ...auth, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    await fleet.control.setFault('argocd-main', { down: true });
    await expect(fleetFetch(fleet, url, auth)).rejects.toThrow();
    await fleet.control.clearFaults();
    expect((await fleetFetch(fleet, url, auth)).status).toBe(200);
    const counts = fleet.control.counts().argo['argocd-main'];
    expect(counts['GET /api/v1/applications']).toBeGreaterThan(3);
    expect(counts['FAULT 503']).toBe(1);
  });

  it('refresh=hard picks up a new commit without waiting for the poll; sync can target a revision', async () => {
    const before = (await main.get('/api/v1/applications/schedule-bot-staging'))
      .body;
    const oldRevision = before.status.sync.revision;
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
    const app = (
      await main.get('/api/v1/applications/schedule-bot-staging?refresh=hard')
    ).body;
    expect(app.status.sync.revision).toBe(sha);
    expect(app.status.sync.status).toBe('OutOfSync');
    await fleet.clock.advance(20_000);
    const synced = (await main.get('/api/v1/applications/schedule-bot-staging'))
      .body;
    expect(synced.status.summary.images).toEqual([
      'registry.example.com/schedule-bot:0.9.0',
    ]);
    // An explicit older revision deploys that revision's manifests.
    const res = await main.post(
      '/api/v1/applications/schedule-bot-staging/sync',
      { revision: oldRevision },
    );
    expect(res.body.status.operationState.operation.sync.revision).toBe(
      oldRevision,
    );
    await fleet.clock.advance(5_000);
    const old = (await main.get('/api/v1/applications/schedule-bot-staging'))
      .body;
    expect(old.status.history.slice(-1)[0].revision).toBe(oldRevision);
    expect(old.status.summary.images).toEqual([
      'registry.example.com/schedule-bot:0.8.5',
    ]);
    expect(
      (
        await main.post('/api/v1/applications/schedule-bot-staging/sync', {
          revision: 'no-such-ref',
        })
      ).status,
    ).toBe(400);
  });

  it('control HTTP endpoint reports counts and advances the clock', async () => {
    const before = fleet.clock.now().getTime();
    const adv = await fetch(`${fleet.controlUrl}/control/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"ms":5000}',
    });
    expect(adv.status).toBe(200);
    expect(fleet.clock.now().getTime() - before).toBe(5000);
    const counts = (await (
      await fetch(`${fleet.controlUrl}/control/counts`)
    ).json()) as any;
    expect(Object.keys(counts.argo)).toEqual(['argocd-main', 'argocd-prod']);
    await fetch(`${fleet.controlUrl}/control/reset`, { method: 'POST' });
    expect(fleet.control.counts().argo['argocd-main']).toEqual({});
  });
});

describe('label selectors', () => {
  it('parses and matches the Kubernetes selector syntax', () => {
    const l = { app: 'a', env: 'prod' };
    expect(
      matchesSelector(parseSelector('app=a,env in (prod, staging)'), l),
    ).toBe(true);
    expect(matchesSelector(parseSelector('app!=a'), l)).toBe(false);
    expect(matchesSelector(parseSelector('!team'), l)).toBe(true);
    expect(matchesSelector(parseSelector('env notin (prod)'), l)).toBe(false);
    expect(() => parseSelector('a b c')).toThrow();
  });
});
