import type { EntityOverview } from '@internal/backstage-plugin-gitops-common';
import type { Fault, Fleet } from '@internal/fleet-simulator';
import request from 'supertest';
import {
  fleetCa,
  fleetFetch,
  startGitopsBackend,
  startTestFleet,
  waitFor,
} from './__testUtils__/fleetBackend';

// Real servers (the simulated fleet) on a shared 2-core machine: generous timeouts.
jest.setTimeout(60_000);

const OVERVIEW = '/api/gitops/entities/component/default/payments-api/overview';

/** Polls the overview until `ready` says it shows what the test waits for. */
async function overviewWhen(
  server: Parameters<typeof request>[0],
  ready: (body: EntityOverview) => boolean,
  what: string,
): Promise<EntityOverview> {
  let body: EntityOverview | undefined;
  await waitFor(
    async () => {
      const res = await request(server).get(OVERVIEW);
      body = res.body;
      return res.status === 200 && ready(res.body);
    },
    20_000,
    what,
  );
  return body!;
}

/** Short timeouts so a hanging upstream fails fast; a re-list every 1.2 s. */
const shortTimeouts = (gitops: any) => ({
  ...gitops,
  argocd: {
    ...gitops.argocd,
    resyncMinutes: 0.02,
    instances: gitops.argocd.instances.map((i: any) => ({
      ...i,
      timeoutMs: 1500,
    })),
  },
  cost: {
    ...gitops.cost,
    clusters: gitops.cost.clusters.map((c: any) => ({ ...c, timeoutMs: 1500 })),
  },
  velero: {
    ...gitops.velero,
    clusters: gitops.velero.clusters.map((c: any) => ({
      ...c,
      timeoutMs: 1500,
    })),
  },
});

describe('one failing upstream never fails the page', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let expiredToken: string;

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
    // A real session token of argocd-prod that has expired by the time it is used.
    await fleet.control.setFault('argocd-prod', { tokenTtlSeconds: 60 });
    const res = await fleetFetch(fleet)(`${fleet.argo[1].url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: fleet.argo[1].username,
        password: fleet.argo[1].password,
      }),
    });
    expiredToken = ((await res.json()) as { token: string }).token;
    await fleet.control.clearFaults();
    await fleet.control.setFault('argocd-prod', { tokenTtlSeconds: 86400 });
    await fleet.clock.advance(120_000);
  });
  afterAll(() => cleanup());
  afterEach(() => fleet.control.clearFaults());

  const FAULTS: Array<[string, Fault | 'expired-token', RegExp]> = [
    ['down', { down: true }, /connection error|network error/],
    ['5xx', { status: 503 }, /HTTP 503/],
    ['hang', { hang: true }, /timed out after 1500 ms/],
    ['malformed', { malformed: true }, /malformed JSON/],
    ['expired token', 'expired-token', /HTTP 401/],
  ];

  it.each(FAULTS)(
    'Argo CD instance argocd-prod %s: 200, prod marked, the rest intact',
    async (_name, fault, message) => {
      if (fault !== 'expired-token') {
        await fleet.control.setFault('argocd-prod', fault);
      }
      const backend = await startGitopsBackend({
        fleet,
        cold: true,
        gitops: g => {
          const out = shortTimeouts(g);
          if (fault === 'expired-token') {
            out.argocd.instances[1] = {
              name: 'argocd-prod',
              url: fleet.argo[1].url,
              token: expiredToken,
              timeoutMs: 1500,
              ...fleetCa(fleet),
            };
          }
          return out;
        },
      });
      // A page view never waits on the upstream: it answers at once, whatever the state.
      const started = Date.now();
      expect((await request(backend.server).get(OVERVIEW)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
      const body = await overviewWhen(
        backend.server,
        b =>
          b.sources.some(
            s =>
              s.name === 'argocd-prod' && s.error && s.error !== 'not read yet',
          ) &&
          b.sources
            .filter(x => x.name !== 'argocd-prod')
            .every(x => x.status === 'ok'),
        'argocd-prod to fail and the rest to be read',
      );
      const prod = body.sources.find(s => s.name === 'argocd-prod')!;
      expect(prod.status).toBe('error');
      expect(prod.error).toMatch(message);
      for (const s of body.sources.filter(x => x.name !== 'argocd-prod')) {
        expect(s).toMatchObject({ status: 'ok' });
      }
      // dev and staging come from argocd-main, with their cost and backups.
      expect(body.environments.map(e => e.name)).toEqual(['dev', 'staging']);
      expect(body.environments[1].cost?.total).toBeGreaterThan(0);
      expect(body.environments[1].backup?.lastSuccessfulAt).toBeDefined();
      await backend.stop();
    },
  );

  it.each(FAULTS.filter(([, f]) => f !== 'expired-token'))(
    'cluster cluster-prod (cost and Kubernetes APIs) %s: 200, only its sources marked',
    async (_name, fault) => {
      await fleet.control.setFault('cluster-prod', fault as Fault);
      const backend = await startGitopsBackend({
        fleet,
        cold: true,
        gitops: shortTimeouts,
      });
      const body = await overviewWhen(
        backend.server,
        b =>
          b.sources.length === 6 &&
          b.sources.every(x =>
            x.name === 'cluster-prod'
              ? x.status === 'error' && x.error !== 'not read yet'
              : x.status === 'ok',
          ),
        'cluster-prod to fail and the rest to be read',
      );
      for (const s of body.sources) {
        expect(s.status).toBe(s.name === 'cluster-prod' ? 'error' : 'ok');
      }
      const prod = body.environments.find(e => e.name === 'prod')!;
      expect(prod.applications[0].name).toBe('payments-api-prod');
      expect(prod.cost).toBeUndefined();
      const staging = body.environments.find(e => e.name === 'staging')!;
      expect(staging.cost?.total).toBeGreaterThan(0);
      expect(staging.backup?.lastSuccessfulAt).toBeDefined();
      await backend.stop();
    },
  );

  it('keeps serving the last good data, flagged stale, when a re-list fails, and heals', async () => {
    const logs: string[] = [];
    const backend = await startGitopsBackend({
      fleet,
      gitops: shortTimeouts,
      logs,
    });
    await fleet.control.setFault('argocd-prod', { status: 500 });
    const body = await overviewWhen(
      backend.server,
      b => b.sources.find(s => s.name === 'argocd-prod')?.status === 'stale',
      'argocd-prod to be stale',
    );
    const prod = body.sources.find(s => s.name === 'argocd-prod')!;
    expect(prod.error).toMatch(/HTTP 500/);
    expect(prod.fetchedAt).toBeDefined();
    // Nothing disappears: prod is still there, from the last good list.
    expect(body.environments.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    // Retries go on with backoff; the failure is logged once, not per retry.
    await new Promise(r => setTimeout(r, 3500));
    expect(
      logs.filter(l => l.startsWith('warn') && l.includes('argocd argocd-prod'))
        .length,
    ).toBe(1);
    await fleet.control.clearFaults();
    await overviewWhen(
      backend.server,
      b => b.sources.find(s => s.name === 'argocd-prod')?.status === 'ok',
      'argocd-prod to heal',
    );
    expect(logs.some(l => l.includes('argocd argocd-prod recovered'))).toBe(
      true,
    );
    await backend.stop();
  });

  it('logs in again when Argo CD rejects an expired session, and serves the data', async () => {
    // The plugin runs on the system clock; the fleet's clock jumps two days ahead, past the
    // session token's exp, so Argo CD answers 401 to a token the plugin thinks valid.
    const backend = await startGitopsBackend({
      fleet,
      clock: 'system',
      gitops: shortTimeouts,
    });
    await fleet.clock.advance(2 * 86_400_000);
    fleet.control.resetCounts();
    // The next re-list: 401, one login, the list again.
    await waitFor(
      () =>
        (fleet.control.counts().argo['argocd-prod']?.[
          'GET /api/v1/applications'
        ] ?? 0) >= 2,
      10_000,
      'a re-list after the login',
    );
    await overviewWhen(
      backend.server,
      b => b.sources.find(s => s.name === 'argocd-prod')?.status === 'ok',
      'argocd-prod read again',
    );
    // One login for the calls that found the session expired, however many there were.
    const counts = fleet.control.counts().argo['argocd-prod'];
    expect(counts['POST /api/v1/session']).toBe(1);
    await backend.stop();
  });
});
