import { startFleet, Fleet } from '../fleet';
import {
  openRawStream,
  request,
  sseMessages,
  stopAndClean,
  tempDir,
} from '../testUtils';

jest.setTimeout(30_000);

describe('Argo CD behind a path prefix (https://host/argocd)', () => {
  let fleet: Fleet;
  let ca: string;
  let token: string;
  let origin: string;
  const prod = () => fleet.argo[1];
  const auth = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
      tls: true,
      // Trailing slash on purpose: it is normalised away.
      argoInstances: [undefined, { pathPrefix: '/argocd/' }],
    });
    ca = fleet.tls!.caCert;
    origin = new URL(prod().url).origin;
    const login = await request(`${prod().url}/api/v1/session`, {
      method: 'POST',
      body: { username: prod().username, password: prod().password },
      ca,
    });
    token = login.json().token;
  });
  afterAll(() => stopAndClean(fleet));

  it('advertises the prefix in its url and webUrl, and in the app-config fragment', () => {
    expect(prod().url).toBe(`${origin}/argocd`);
    expect(prod().webUrl).toBe(`${origin}/argocd`);
    expect(fleet.argo[0].url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(fleet.argo[0].webUrl).toBe(fleet.argo[0].url);
    const { gitops } = fleet.appConfig() as { gitops: any };
    const inst = gitops.argocd.instances.find(
      (i: any) => i.name === 'argocd-prod',
    );
    expect(inst.url).toBe(`${origin}/argocd`);
    expect(inst.webUrl).toBe(`${origin}/argocd`);
  });

  it('answers the API under the prefix and 404 (Go mux, text/plain) without it', async () => {
    const under = await request(
      `${origin}/argocd/api/v1/applications/payments-api-prod`,
      { ca, headers: auth() },
    );
    expect(under.status).toBe(200);
    expect(under.json().status.sync.status).toBe('OutOfSync');

    fleet.control.resetCounts();
    for (const p of [
      '/api/v1/applications/payments-api-prod',
      '/api/version',
      '/argocdx/api/version',
      '/',
    ]) {
      const res = await request(`${origin}${p}`, { ca, headers: auth() });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.text).toBe('404 page not found\n');
    }
    const version = await request(`${origin}/argocd/api/version`, { ca });
    expect(version.json().GitTag).toBe('v3.5.1');
    // Counted by route template, as without a prefix.
    expect(fleet.control.counts().argo['argocd-prod']).toEqual({
      unmatched: 4,
      'GET /api/version': 1,
    });
  });

  it('streams under the prefix only', async () => {
    const s = openRawStream(
      `${prod().url}/api/v1/stream/applications?name=payments-api-prod`,
      { ...auth(), accept: 'text/event-stream' },
      { ca },
    );
    try {
      expect((await s.response).statusCode).toBe(200);
      const text = await s.waitFor(t => sseMessages(t).length >= 1);
      const [first] = sseMessages(text);
      expect(first.result.type).toBe('ADDED');
      expect(first.result.application.metadata.name).toBe('payments-api-prod');
    } finally {
      s.close();
    }
    const outside = await request(
      `${origin}/api/v1/stream/applications?name=payments-api-prod`,
      { ca, headers: auth() },
    );
    expect(outside.status).toBe(404);
  });
});
