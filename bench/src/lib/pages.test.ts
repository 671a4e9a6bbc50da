import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { benchEntities, entitiesYaml } from './entities';
import { runLevel, percentile } from './load';
import {
  communityPage,
  oursOverviewPage,
  oursTabPage,
  roadieOverviewOnlyPage,
  roadiePage,
} from './pages';

/**
 * The page models against a fake backend that answers like the three backends do: which
 * requests one page view makes, in which order, with the user's token. (The real backends and
 * upstream counts: `bench/run.sh --quick`.)
 */
describe('bench page models', () => {
  let server: http.Server;
  let baseUrl: string;
  const seen: Array<{ method: string; url: string; auth?: string }> = [];
  const history = Array.from({ length: 10 }, (_, i) => ({
    id: i,
    revision: `rev${i}`,
    deployedAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
  }));
  const app = (name: string) => ({
    metadata: { name, namespace: 'argocd', instance: { name: 'argocd-3' } },
    status: { history },
  });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({
        method: req.method!,
        url: req.url!,
        auth: req.headers.authorization,
      });
      const url = req.url!;
      if (url === '/etag') {
        if (req.headers['if-none-match'] === 'W/"1"') {
          res.statusCode = 304;
          res.end();
          return;
        }
        res.setHeader('etag', 'W/"1"');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ v: 1 }));
        return;
      }
      let body: unknown = {};
      if (url.includes('/find/selector/')) body = [{ name: 'argocd-3' }];
      else if (url.includes('/applications/selector/')) {
        body = {
          items: ['dev', 'staging', 'prod'].map(e => app(`svc-2-00000-${e}`)),
        };
      } else if (url.endsWith('/check')) {
        res.end('OK');
        return;
      } else if (url.includes('/permission/authorize')) {
        body = { items: [{ id: 'x', result: 'ALLOW' }] };
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));
  beforeEach(() => {
    seen.length = 0;
  });

  const entities = benchEntities({
    count: 6,
    appsPerInstance: 2000,
    instanceIndexes: [2, 3, 4],
  });
  const once = (page: Parameters<typeof runLevel>[0]['page']) =>
    runLevel({
      baseUrl,
      token: 'user-token',
      viewers: 1,
      durationMs: 1,
      dwellMs: 0,
      entities,
      page,
    });

  it('generates services that have all three environments', () => {
    expect(entities.map(e => e.name)).toEqual([
      'svc-2-00000',
      'svc-3-00000',
      'svc-4-00000',
      'svc-2-00001',
      'svc-3-00001',
      'svc-4-00001',
    ]);
    expect(entities[0]).toMatchObject({
      selector: 'app.kubernetes.io/name=svc-2-00000',
      instance: 'argocd-3',
      environments: ['dev', 'staging', 'prod'],
    });
    expect(entitiesYaml(entities.slice(0, 1))).toContain(
      'argocd/app-selector: app.kubernetes.io/name=svc-2-00000',
    );
  });

  it('ours: the overview page is one request', async () => {
    const s = await once(oursOverviewPage);
    expect(s.pageViews).toBe(1);
    expect(seen.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /api/gitops/entities/component/default/svc-2-00000/overview',
    ]);
    expect(seen.every(r => r.auth === 'Bearer user-token')).toBe(true);
  });

  it('ours: the GitOps tab asks for its five answers at once', async () => {
    await once(oursTabPage);
    const base = '/api/gitops/entities/component/default/svc-2-00000';
    expect(seen.map(r => `${r.method} ${r.url}`).sort()).toEqual(
      [
        `GET ${base}/cost-trend?window=7d`,
        `GET ${base}/history`,
        `GET ${base}/overview`,
        `GET ${base}/promotions`,
        `GET ${base}/resources`,
      ].sort(),
    );
  });

  it('a browser with a cache revalidates with If-None-Match and reuses the answer on 304', async () => {
    const page = {
      id: 't',
      label: 't',
      requests: '',
      async load(c: any) {
        const body = await c.get('/etag', 'GET /etag');
        expect(body).toEqual({ v: 1 });
      },
    };
    const s = await runLevel({
      baseUrl,
      token: 'user-token',
      viewers: 1,
      durationMs: 50,
      dwellMs: 0,
      entities,
      page,
      browserCache: true,
    });
    expect(s.pageViews).toBeGreaterThan(1);
    expect(s.requests[0].status).toBe(200);
    expect(s.requests.slice(1).every(r => r.status === 304)).toBe(true);
  });

  it('Roadie: find + list per card, and the history card asks for 9 revisions per app', async () => {
    await once(roadiePage);
    const urls = seen.map(r => r.url);
    const sel = 'app.kubernetes.io%2Fname%3Dsvc-2-00000';
    expect(
      urls.filter(u => u === `/api/argocd/find/selector/${sel}`),
    ).toHaveLength(2);
    expect(
      urls.filter(
        u =>
          u ===
          `/api/argocd/argoInstance/argocd-3/applications/selector/${sel}`,
      ),
    ).toHaveLength(2);
    const revisions = urls.filter(u => u.endsWith('/metadata'));
    expect(revisions).toHaveLength(27);
    // Newest first, the oldest entry left out.
    expect(revisions[0]).toBe(
      '/api/argocd/argoInstance/argocd-3/applications/name/svc-2-00000-dev/revisions/rev9/metadata',
    );
    expect(revisions.some(u => u.includes('/rev0/'))).toBe(false);

    seen.length = 0;
    await once(roadieOverviewOnlyPage);
    expect(seen).toHaveLength(2);
  });

  it('community: /check once per session, a list per configured instance, the permission, polling', async () => {
    const page = communityPage(['argocd-main', 'argocd-3']);
    const s = await runLevel({
      baseUrl,
      token: 'user-token',
      viewers: 1,
      durationMs: 250,
      dwellMs: 120,
      entities,
      page: { ...page, poll: { ...page.poll!, intervalMs: 50 } },
    });
    const first = seen.slice(0, 5).map(r => r.url.split('?')[0]);
    expect(first.filter(u => u.endsWith('/check'))).toHaveLength(2);
    expect(first).toContain('/api/permission/authorize');
    expect(seen[seen.length - 1].url).toContain(
      '/applications/selector/app.kubernetes.io%2Fname%3Dsvc-',
    );
    // The selector sits in the path encoded once, in the query encoded twice (as the client does).
    expect(
      seen.find(r => r.url.includes('/applications/selector/'))?.url,
    ).toMatch(
      /\/selector\/app\.kubernetes\.io%2Fname%3Dsvc-2-00000\?selector=app\.kubernetes\.io%252Fname%253Dsvc-2-00000$/,
    );
    expect(seen.filter(r => r.url.endsWith('/check'))).toHaveLength(2);
    expect(s.requests.some(r => r.poll)).toBe(true);
    expect(s.pageViews).toBeGreaterThan(1);
  });

  it('computes nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 95)).toBe(95);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile([], 50)).toBeUndefined();
  });
});
