import type { Fleet } from '@internal/fleet-simulator';
import { startTestFleet } from '../../__testUtils__/fleetBackend';
import {
  startTlsProxy,
  throwawayCa,
  type TlsProxy,
} from '../../__testUtils__/tlsServers';
import { tlsFetch, upstreamTls } from '../../util/tls';
import { ArgoCdClient } from './ArgoCdClient';
import type { ArgoStreamEvent } from './eventStream';

// Real servers (the simulated fleet behind a TLS ingress) on a shared 2-core machine.
jest.setTimeout(60_000);

describe('ArgoCdClient against an Argo CD behind an HTTPS ingress at /argocd', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let ingress: TlsProxy;
  let caCert: string;

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
    const ca = await throwawayCa();
    caCert = ca.caCert;
    ingress = await startTlsProxy({
      target: fleet.argo[1].url,
      pair: await ca.issue({ chain: true }),
      prefix: '/argocd',
    });
  });
  afterAll(async () => {
    await ingress.close();
    await cleanup();
  });

  const client = (url: string) => {
    const a = fleet.argo[1];
    const config = {
      name: a.name,
      url,
      username: a.username,
      password: a.password,
      timeoutMs: 5000,
      caCert,
    };
    return new ArgoCdClient(
      config,
      { now: () => fleet.clock.now() },
      tlsFetch(
        upstreamTls(
          'Argo CD instance',
          a.name,
          'gitops.argocd.instances[0]',
          config,
        ),
      ),
    );
  };

  it('keeps the prefix on every call: session, list, stream, app, refresh, resource tree, revision, sync, rollback', async () => {
    const argo = client(`${ingress.url}/`);
    // Deep links keep the prefix too (webUrl defaults to url).
    expect(argo.webUrl).toBe(ingress.url);
    expect(ingress.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/argocd$/);

    const names: string[] = [];
    const { resourceVersion, count } = await argo.listApplications(app =>
      names.push(app.metadata.name),
    );
    expect(count).toBeGreaterThan(0);
    expect(names).toContain('payments-api-prod');

    const ref = { name: 'payments-api-prod' };
    const app = await argo.getApplication(ref);
    expect(app.metadata.name).toBe('payments-api-prod');
    expect(
      (await argo.getApplication(ref, { refresh: 'normal' })).metadata.name,
    ).toBe('payments-api-prod');
    const tree = await argo.getResourceTree(ref);
    expect(tree.nodes?.some(n => n.kind === 'Deployment')).toBe(true);
    const history = app.status?.history ?? [];
    expect(history.length).toBeGreaterThan(1);
    const meta = await argo.getRevisionMetadata(
      ref,
      history[history.length - 1].revision!,
    );
    expect(meta.author).toBeTruthy();

    // The stream, through the ingress, carries the sync this client starts.
    const controller = new AbortController();
    const events: ArgoStreamEvent[] = [];
    const watching = argo.watchApplications({
      resourceVersion,
      signal: controller.signal,
      onEvent: e => {
        events.push(e);
        if (e.application.metadata.name === 'payments-api-prod') {
          controller.abort();
        }
      },
    });
    const synced = await argo.sync(ref);
    expect(synced.status?.operationState?.phase).toBe('Running');
    await watching;
    expect(events.map(e => e.type)).toContain('MODIFIED');
    await fleet.clock.advance(20_000);

    const previous = history[history.length - 2];
    const rolledBack = await argo.rollback(ref, previous.id);
    expect(rolledBack.status?.operationState).toMatchObject({
      phase: 'Running',
      operation: { sync: { revision: previous.revision } },
    });
    await fleet.clock.advance(20_000);

    // Every call went under /argocd and reached Argo CD: none fell outside the prefix.
    expect(ingress.requests.length).toBeGreaterThan(8);
    for (const r of ingress.requests) {
      expect(r.path).toMatch(/^\/argocd\/api\/v1\//);
      expect(r.status).toBeGreaterThanOrEqual(200);
      expect(r.status).toBeLessThan(300);
    }
    const calls = new Set(
      ingress.requests.map(
        r => `${r.method} ${r.path.split('?')[0].replace(/\/argocd/, '')}`,
      ),
    );
    expect([...calls].sort()).toEqual(
      [
        'POST /api/v1/session',
        'GET /api/v1/applications',
        'GET /api/v1/stream/applications',
        'GET /api/v1/applications/payments-api-prod',
        'GET /api/v1/applications/payments-api-prod/resource-tree',
        `GET /api/v1/applications/payments-api-prod/revisions/${
          history[history.length - 1].revision
        }/metadata`,
        'POST /api/v1/applications/payments-api-prod/sync',
        'POST /api/v1/applications/payments-api-prod/rollback',
      ].sort(),
    );
  });

  it('without the prefix, the ingress answers 404 and the client says so', async () => {
    const bare = client(ingress.url.replace(/\/argocd$/, ''));
    await expect(
      bare.getApplication({ name: 'payments-api-prod' }),
    ).rejects.toThrow(/HTTP 404/);
  });
});
