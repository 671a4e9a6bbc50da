import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type {
  EntityHistory,
  EntityOverview,
  EntityResources,
} from '@internal/backstage-plugin-gitops-common';
import type { Fleet } from '@internal/fleet-simulator';
import request from 'supertest';
import { gitopsPlugin } from './plugin';
import {
  component,
  OWNER,
  overviewPath,
  SEED_ENTITIES,
  startGitopsBackend,
  startTestFleet,
  untilReady,
  waitFor,
  type GitopsTestBackend,
} from './__testUtils__/fleetBackend';

// Real servers (the simulated fleet) on a shared 2-core machine: generous timeouts.
jest.setTimeout(60_000);

describe('gitopsPlugin without configuration', () => {
  it('answers the health check without credentials', async () => {
    const { server } = await startTestBackend({ features: [gitopsPlugin] });
    const res = await request(server).get('/api/gitops/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('starts and answers an overview with no environments', async () => {
    const backend = await startGitopsBackend({});
    const res = await request(backend.server).get(overviewPath('payments-api'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/payments-api',
      environments: [],
      sources: [],
      promotionsConfigured: false,
      permissions: { sync: false, promote: false },
    });
    await backend.stop();
  });

  it('fails at start-up on invalid config, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          gitopsPlugin,
          mockServices.rootConfig.factory({
            data: {
              gitops: {
                argocd: { instances: [{ name: 'a', url: 'nope', token: 't' }] },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow('gitops.argocd.instances[0].url');
  });
});

describe('gitopsPlugin against the simulated fleet', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let backend: GitopsTestBackend;

  // Filler services: argocd-main hosts dev + staging (6 apps: svc-0-00000..2), argocd-prod prod.
  const extra = [
    'svc-0-00000',
    'svc-0-00001',
    'svc-0-00002',
    'svc-1-00003',
    'svc-1-00000',
    'svc-1-00001',
    'svc-1-00002',
  ].map(n => component(n));
  const entities = [...SEED_ENTITIES, ...extra];
  const neverViewed = component('svc-1-00005');

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
    backend = await startGitopsBackend({
      fleet,
      entities: [...entities, neverViewed],
    });
  });
  afterAll(async () => {
    await backend.stop();
    await cleanup();
  });

  const get = (path: string) => request(backend.server).get(path);

  it('shows payments-api in three environments with versions, cost and backups', async () => {
    const res = await get(overviewPath('payments-api'));
    expect(res.status).toBe(200);
    const body = res.body as EntityOverview;
    expect(body.entityRef).toBe('component:default/payments-api');
    expect(body.environments.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    const [dev, staging, prod] = body.environments;
    expect(dev.version.version).toBe('1.4.0');
    expect(staging.version.version).toBe('1.3.2');
    expect(prod.version.version).toBe('1.3.0');
    expect(dev.applications[0]).toMatchObject({
      instance: 'argocd-main',
      name: 'payments-api-dev',
      sync: 'Synced',
      health: 'Healthy',
      autoSync: true,
    });
    expect(prod.applications[0]).toMatchObject({
      instance: 'argocd-prod',
      name: 'payments-api-prod',
      sync: 'OutOfSync',
      autoSync: false,
      images: ['registry.example.com/payments-api:1.3.0'],
    });
    expect(prod.applications[0].url).toBe(
      `${fleet.argo[1].url}/applications/argocd/payments-api-prod`,
    );
    for (const env of body.environments) {
      expect(env.cost).toMatchObject({ window: '7d', currency: 'USD' });
      expect(env.cost!.total).toBeGreaterThan(0);
    }
    // Prod runs 3 replicas with more resources: it costs more than dev.
    expect(prod.cost!.total).toBeGreaterThan(dev.cost!.total);
    expect(staging.backup?.lastSuccessfulName).toMatch(/^payments-api-staging/);
    expect(prod.backup?.schedules.map(s => s.name)).toEqual([
      'payments-api-prod-daily',
    ]);
    expect(prod.backup?.rpoSeconds).toBeGreaterThan(0);
    expect(dev.backup?.uncoveredNamespaces).toEqual(['payments-api-dev']);
    expect(body.sources).toHaveLength(6);
    expect(body.sources.every(s => s.status === 'ok')).toBe(true);
    // Another user may read but not act; the owner may: the answer says so, so the page
    // asks nothing else.
    expect(body.permissions).toEqual({
      sync: false,
      prune: false,
      refresh: false,
      rollback: false,
      promote: false,
      approve: false,
      promoteRollout: false,
      abortRollout: false,
    });
    const asOwner = await get(overviewPath('payments-api')).set(
      'authorization',
      mockCredentials.user.header(OWNER),
    );
    expect(asOwner.body.permissions).toEqual({
      sync: true,
      prune: true,
      refresh: true,
      rollback: true,
      promote: true,
      approve: true,
      promoteRollout: true,
      abortRollout: true,
    });
    // Per user: the two answers are not the same representation.
    expect(asOwner.headers.etag).not.toBe(res.headers.etag);
  });

  it('answers 304 to a revalidation while nothing changed', async () => {
    const first = await get(overviewPath('payments-api'));
    expect(first.headers.etag).toMatch(/^W\/"/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await get(overviewPath('payments-api')).set(
      'If-None-Match',
      first.headers.etag,
    );
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    // Another window is another answer.
    const month = await get(
      overviewPath('payments-api', '?costWindow=30d'),
    ).set('If-None-Match', first.headers.etag);
    expect(month.status).toBe(200);
    // The tab's other reads revalidate the same way, promotions included, even with
    // `Cache-Control: no-cache` (which Express's own ETag check answers with a 200).
    for (const part of ['history', 'resources', 'promotions']) {
      const path = overviewPath('payments-api').replace(
        '/overview',
        `/${part}`,
      );
      const read = await get(path);
      expect(read.status).toBe(200);
      const revalidated = await get(path)
        .set('If-None-Match', read.headers.etag)
        .set('Cache-Control', 'no-cache');
      expect({ part, status: revalidated.status }).toEqual({
        part,
        status: 304,
      });
    }
  });

  it('serves cost over another offered window from the store, and refuses others', async () => {
    const week = (await get(overviewPath('payments-api')))
      .body as EntityOverview;
    const res = await get(`${overviewPath('payments-api')}?costWindow=30d`);
    expect(res.status).toBe(200);
    const month = res.body as EntityOverview;
    const prodWeek = week.environments.find(e => e.name === 'prod')!.cost!;
    const prodMonth = month.environments.find(e => e.name === 'prod')!.cost!;
    expect(prodMonth.window).toBe('30d');
    expect(prodMonth.total).toBeGreaterThan(prodWeek.total);
    // The sources keep their cluster names, whatever the window.
    expect(
      month.sources.filter(s => s.kind === 'cost').map(s => s.name),
    ).toEqual(['cluster-main', 'cluster-prod']);

    const bad = await get(`${overviewPath('payments-api')}?costWindow=2y`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /query\.costWindow: must be one of 7d, 30d/,
    );
  });

  it('serves the daily cost trend of one entity, asked of the cost engine for it only, then cached', async () => {
    fleet.control.resetCounts();
    const path =
      '/api/gitops/entities/component/default/payments-api/cost-trend?window=30d';
    const res = await get(path);
    expect(res.status).toBe(200);
    const prod = res.body.environments.find((e: any) => e.name === 'prod');
    expect(prod.daily).toHaveLength(30);
    const month = (await get(overviewPath('payments-api', '?costWindow=30d')))
      .body as EntityOverview;
    const total = month.environments.find(e => e.name === 'prod')!.cost!.total;
    const sum = prod.daily.reduce((a: number, d: any) => a + d.total, 0);
    expect(Math.abs(sum - total) / total).toBeLessThan(0.02);
    const costCalls = () =>
      Object.values(fleet.control.counts().cost)
        .flatMap(x => Object.values(x))
        .reduce((a, b) => a + b, 0);
    // One query per cluster holding the entity's namespaces; then from the cache.
    expect(costCalls()).toBe(2);
    expect((await get(path)).status).toBe(200);
    expect(costCalls()).toBe(2);
    const bad = await get(path.replace('30d', '2y'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/query\.window/);
  });

  it('shows a degraded staging for chores-api and a failed prod backup for schedule-bot', async () => {
    const chores = (await get(overviewPath('chores-api')))
      .body as EntityOverview;
    const choresStaging = chores.environments.find(e => e.name === 'staging')!;
    expect(choresStaging.applications[0].health).toBe('Degraded');
    expect(choresStaging.version.version).toBe('2.1.0-bad');

    const bot = (await get(overviewPath('schedule-bot')))
      .body as EntityOverview;
    const botProd = bot.environments.find(e => e.name === 'prod')!;
    expect(botProd.backup?.lastPhase).toBe('Failed');
    expect(botProd.backup?.failures[0]).toMatchObject({ phase: 'Failed' });
    expect(botProd.backup?.lastSuccessfulAt).toBeDefined();
  });

  it('serves the deployment history with commit metadata', async () => {
    const res = await get(
      '/api/gitops/entities/component/default/payments-api/history',
    );
    expect(res.status).toBe(200);
    const body = res.body as EntityHistory;
    expect(body.entries.length).toBeGreaterThan(3);
    const prod = body.entries.filter(
      e => e.application === 'payments-api-prod',
    );
    expect(prod[0]).toMatchObject({
      instance: 'argocd-prod',
      environment: 'prod',
    });
    expect(prod[0].author).toBeTruthy();
    expect(prod[0].message).toBeTruthy();
    const dates = body.entries.map(e => e.deployedAt ?? '');
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('serves resource trees with sync and health per resource', async () => {
    const res = await get(
      '/api/gitops/entities/component/default/payments-api/resources',
    );
    expect(res.status).toBe(200);
    const body = res.body as EntityResources;
    const prod = body.applications.find(a => a.name === 'payments-api-prod')!;
    const deployment = prod.resources.find(r => r.kind === 'Deployment')!;
    expect(deployment.sync).toBe('OutOfSync');
    expect(deployment.health).toBe('Healthy');
    const pod = prod.resources.find(r => r.kind === 'Pod')!;
    expect(pod.parentUids?.length).toBe(1);
  });

  it('answers 404 for an entity the policy hides from the reader, without asking the catalog', async () => {
    const hiding = await startGitopsBackend({
      fleet,
      entities,
      hiddenEntities: ['chores-api'],
    });
    const res = await request(hiding.server).get(overviewPath('chores-api'));
    expect(res.status).toBe(404);
    for (const part of [
      'history',
      'resources',
      'promotions',
      'cost-trend',
      'events',
    ]) {
      const tab = await request(hiding.server).get(
        `/api/gitops/entities/component/default/chores-api/${part}`,
      );
      expect(tab.status).toBe(404);
    }
    expect(
      (await request(hiding.server).get(overviewPath('payments-api'))).status,
    ).toBe(200);
    await hiding.stop();
  });

  it('answers 404 for unknown entities and 400 for bad input', async () => {
    expect((await get(overviewPath('nope'))).status).toBe(404);
    const bad = await get(
      '/api/gitops/entities/component/default/bad%20name/overview',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('path.name');
    const rollback = await request(backend.server)
      .post(
        '/api/gitops/entities/component/default/payments-api/applications/argocd-prod/payments-api-prod/rollback',
      )
      .send({ id: 'x' });
    expect(rollback.status).toBe(400);
    expect(rollback.body.error.message).toContain('body.id');
  });

  it('serves 50 overviews of 10 entities and the tab without calling any upstream', async () => {
    await get(overviewPath('payments-api'));
    await get('/api/gitops/entities/component/default/payments-api/history');
    await get('/api/gitops/entities/component/default/payments-api/resources');
    fleet.control.resetCounts();
    for (let i = 0; i < 50; i++) {
      const entity = entities[i % entities.length];
      const res = await get(overviewPath(entity.metadata.name));
      expect(res.status).toBe(200);
      expect((res.body as EntityOverview).environments.length).toBeGreaterThan(
        0,
      );
    }
    // The tab again: history, resources and promotions of unchanged applications.
    for (const part of ['history', 'resources', 'promotions']) {
      const res = await get(
        `/api/gitops/entities/component/default/payments-api/${part}`,
      );
      expect(res.status).toBe(200);
    }
    const counts = fleet.control.counts();
    const calls = (c: Record<string, Record<string, number>>) =>
      Object.entries(c)
        .flatMap(([, x]) => Object.entries(x))
        // The informers' open streams were counted when they connected, not now.
        .filter(
          ([route]) => !route.includes('stream') && !route.includes('watch'),
        )
        .reduce((a, [, b]) => a + b, 0);
    expect(calls(counts.argo)).toBe(0);
    expect(calls(counts.cost) + calls(counts.kube)).toBe(0);
  });

  it('publishes a signal to the entity channel when its applications change', async () => {
    await get(overviewPath('payments-api'));
    backend.signals.length = 0;
    // A sync of prod through Argo CD directly (not through the portal), seen on the stream.
    const app = fleet.internals.instances[1].apps.get('payments-api-prod')!;
    await fleet.internals.instances[1].startSync(app, {
      initiatedBy: { username: 'someone' },
    });
    await waitFor(
      () =>
        backend.signals.some(
          s => s.channel === 'gitops:component:default/payments-api',
        ),
      10_000,
      'the signal',
    );
    expect(backend.signals).toContainEqual({
      recipients: { type: 'broadcast' },
      channel: 'gitops:component:default/payments-api',
      message: {
        type: 'overview-changed',
        entityRef: 'component:default/payments-api',
      },
    });
    const body = (await get(overviewPath('payments-api')))
      .body as EntityOverview;
    const prod = body.environments.find(e => e.name === 'prod')!;
    expect(prod.applications[0].operation).toMatchObject({
      phase: 'Running',
      initiatedBy: 'someone',
    });
    expect(
      backend.signals.some(
        s => s.channel === 'gitops:component:default/chores-api',
      ),
    ).toBe(false);
    await fleet.clock.advance(10_000);
  });

  it('shows an unavailable backup storage location as soon as Velero reports it', async () => {
    fleet.control.setBackupLocationAvailable('cluster-prod', false);
    const backupOf = async (env: string) => {
      const body = (await get(overviewPath('payments-api')))
        .body as EntityOverview;
      return body.environments.find(e => e.name === env)?.backup;
    };
    await waitFor(
      async () => (await backupOf('prod'))?.unavailableLocations.length === 1,
      10_000,
      'the watch event',
    );
    expect((await backupOf('prod'))?.unavailableLocations).toEqual(['default']);
    expect((await backupOf('staging'))?.unavailableLocations).toEqual([]);
    fleet.control.setBackupLocationAvailable('cluster-prod', true);
    await waitFor(
      async () => (await backupOf('prod'))?.unavailableLocations.length === 0,
      10_000,
      'the watch event',
    );
  });

  it('signals annotated entities nobody has viewed, and only those whose apps changed', async () => {
    backend.signals.length = 0;
    const instance = fleet.internals.instances[1];
    await instance.startSync(instance.apps.get('svc-1-00005-prod')!, {
      initiatedBy: { username: 'someone' },
    });
    await waitFor(
      () =>
        backend.signals.some(
          s => s.channel === 'gitops:component:default/svc-1-00005',
        ),
      10_000,
      'the signal',
    );
    const channels = backend.signals.map(s => s.channel);
    expect(channels).not.toContain('gitops:component:default/chores-api');
    expect(channels).not.toContain('gitops:component:default/svc-1-00000');
    await fleet.clock.advance(10_000);
  });
});

describe('gitopsPlugin at start-up', () => {
  it('lists each instance once, however many pages are open meanwhile', async () => {
    const { fleet, cleanup } = await startTestFleet();
    fleet.control.resetCounts();
    const backend = await startGitopsBackend({ fleet, cold: true });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(backend.server).get(
          overviewPath(SEED_ENTITIES[i % 3].metadata.name),
        ),
      ),
    );
    expect(responses.every(r => r.status === 200)).toBe(true);
    await untilReady(backend, SEED_ENTITIES[0]);
    const counts = fleet.control.counts();
    for (const name of ['argocd-main', 'argocd-prod']) {
      expect(counts.argo[name]['GET /api/v1/applications']).toBe(1);
      expect(counts.argo[name]['POST /api/v1/session']).toBe(1);
      expect(counts.argo[name]['GET /api/v1/stream/applications']).toBe(1);
    }
    // Cost: one totals query per cluster and window (7d, 30d), nothing per page.
    for (const name of ['cluster-main', 'cluster-prod']) {
      expect(Object.values(counts.cost[name]).reduce((a, b) => a + b, 0)).toBe(
        2,
      );
    }
    await backend.stop();
    await cleanup();
  });
});

describe('gitopsPlugin answers', () => {
  it('gzips an overview once per version for every viewer that accepts it', async () => {
    const { fleet, cleanup } = await startTestFleet();
    const backend = await startGitopsBackend({ fleet });
    // Once the histories are in (asked per application after the first list), the view holds still.
    await waitFor(async () => {
      const body = (
        await request(backend.server).get(overviewPath('payments-api'))
      ).body as EntityOverview;
      return body.environments.every(e => e.version.deployedBy);
    });
    const first = await request(backend.server)
      .get(overviewPath('payments-api'))
      .set('Accept-Encoding', 'gzip');
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers.vary).toContain('Accept-Encoding');
    // supertest inflates it: the same JSON as without gzip.
    const plain = await request(backend.server)
      .get(overviewPath('payments-api'))
      .set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(first.body).toEqual(plain.body);
    await backend.stop();
    await cleanup();
  });
});
