import { mockCredentials } from '@backstage/backend-test-utils';
import type { Fleet } from '@internal/fleet-simulator';
import request from 'supertest';
import {
  OWNER,
  fleetCa,
  startGitopsBackend,
  startTestFleet,
  waitFor,
  type GitopsTestBackend,
} from './__testUtils__/fleetBackend';

// Real servers (the simulated fleet) on a shared 2-core machine: generous timeouts.
jest.setTimeout(90_000);

const PASSWORD = 'SECRET-PASSWORD-123';
const ARGO_TOKEN = 'SECRET-TOKEN-456';
const KUBE_TOKEN = 'SECRET-KUBE-TOKEN-789';
const COST_TOKEN = 'SECRET-COST-TOKEN-000';
const SECRETS = [PASSWORD, ARGO_TOKEN, KUBE_TOKEN, COST_TOKEN];

describe('secrets never leave the backend', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let backend: GitopsTestBackend;
  const bodies: string[] = [];

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet({ password: PASSWORD }));
    backend = await startGitopsBackend({
      fleet,
      cold: true,
      gitops: g => ({
        ...g,
        argocd: {
          ...g.argocd,
          // Re-lists every 1.2 s, so the faults below reach the informers.
          resyncMinutes: 0.02,
          instances: [
            { ...g.argocd.instances[0], timeoutMs: 1500 }, // username + PASSWORD
            {
              name: 'argocd-prod',
              url: fleet.argo[1].url,
              token: ARGO_TOKEN, // rejected by Argo CD
              timeoutMs: 1500,
              ...fleetCa(fleet),
            },
          ],
        },
        cost: {
          ...g.cost,
          clusters: g.cost.clusters.map((c: any) => ({
            ...c,
            token: COST_TOKEN,
          })),
        },
        velero: {
          ...g.velero,
          clusters: [
            g.velero.clusters[0],
            {
              name: 'cluster-prod',
              url: fleet.kube[1].url,
              token: KUBE_TOKEN, // rejected by the Kubernetes API
              skipTLSVerify: true, // plain http loopback
              timeoutMs: 1500,
            },
          ],
        },
      }),
    });
  });
  afterAll(async () => {
    await backend.stop();
    await cleanup();
  });

  const call = async (req: request.Test) => {
    const res = await req;
    bodies.push(JSON.stringify(res.body), res.text ?? '');
    return res;
  };

  it('keeps them out of every response and log line, failing routes included', async () => {
    const base = '/api/gitops/entities/component/default';
    const server = backend.server;
    const auth = mockCredentials.user.header(OWNER);

    let overview!: request.Response;
    let seen = '';
    // Generous: a cold start on a loaded CI machine reads six upstreams first.
    await waitFor(
      async () => {
        overview = await call(
          request(server).get(`${base}/payments-api/overview`),
        );
        const sources = overview.body.sources as Array<{
          kind: string;
          name: string;
          error?: string;
        }>;
        seen = JSON.stringify(sources.map(x => [x.kind, x.name, x.error]));
        return (
          sources.length === 6 &&
          sources.every(x => !x.error || x.error !== 'not read yet') &&
          sources.filter(x => x.error).length === 2
        );
      },
      45_000,
      'two failing sources of six',
    ).catch(e => {
      throw new Error(`${e.message}; last sources ${seen}`);
    });
    expect(overview.status).toBe(200);
    // The failing sources are reported...
    const errors = overview.body.sources.filter((s: any) => s.error);
    expect(errors.map((s: any) => `${s.kind}:${s.name}`).sort()).toEqual([
      'backup:cluster-prod',
      'deployment:argocd-prod',
    ]);
    // ...rejected for their credentials, which were sent.
    for (const s of errors) expect(s.error).toMatch(/HTTP 401/);

    await call(request(server).get(`${base}/payments-api/history`));
    await call(request(server).get(`${base}/payments-api/resources`));
    // Failing actions: an instance that rejects the token, a hanging one, a malformed one.
    await call(
      request(server)
        .post(
          `${base}/payments-api/applications/argocd-prod/payments-api-prod/sync`,
        )
        .set('authorization', auth),
    );
    const relist = () => new Promise(r => setTimeout(r, 2000));
    await fleet.control.setFault('argocd-main', { hang: true });
    await relist();
    await call(
      request(server)
        .post(
          `${base}/payments-api/applications/argocd-main/payments-api-dev/refresh`,
        )
        .set('authorization', auth),
    );
    await fleet.control.setFault('argocd-main', { malformed: true });
    await call(
      request(server)
        .post(
          `${base}/payments-api/applications/argocd-main/payments-api-dev/sync`,
        )
        .set('authorization', auth),
    );
    await fleet.control.setFault('argocd-main', { status: 401 });
    await relist();
    await fleet.control.clearFaults();
    await call(request(server).get(`${base}/payments-api/overview`));
    await call(request(server).get(`${base}/nope/overview`));

    expect(bodies.length).toBeGreaterThan(10);
    expect(backend.logs.length).toBeGreaterThan(5);
    const everything = [...bodies, ...backend.logs].join('\n');
    for (const secret of SECRETS) {
      expect(everything).not.toContain(secret);
    }
    // Nor any session token (JWT) or API token of the fleet.
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    for (const a of fleet.argo) expect(everything).not.toContain(a.token);
    for (const k of fleet.kube) expect(everything).not.toContain(k.token);
  });
});
