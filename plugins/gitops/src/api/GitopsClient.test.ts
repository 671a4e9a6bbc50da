import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import { GitopsClient } from './GitopsClient';
import {
  paymentsCostTrend,
  paymentsOverview,
  promotedCanary,
  scheduleBotRollouts,
} from '../__testUtils__/fixtures';
import {
  doraFigures,
  teamPaymentsEstate,
} from '../__testUtils__/estateFixtures';

const server = setupServer();
const base = 'http://backstage.test/api/gitops';
const entity = {
  kind: 'Component',
  namespace: 'default',
  name: 'payments-api',
};

describe('GitopsClient', () => {
  registerMswTestHooks(server);

  const client = new GitopsClient({
    discoveryApi: { getBaseUrl: async () => base },
    fetchApi: {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...init?.headers, Authorization: 'Bearer user-token' },
        }),
    },
  });

  it('reads the overview of an entity through fetchApi', async () => {
    let auth: string | null = null;
    server.use(
      http.get(
        `${base}/entities/component/default/payments-api/overview`,
        ({ request }) => {
          auth = request.headers.get('authorization');
          return HttpResponse.json(paymentsOverview());
        },
      ),
    );
    const overview = await client.getOverview(entity);
    expect(overview.environments.map(e => e.version.version)).toEqual([
      '1.4.0',
      '1.3.2',
      '1.3.0',
    ]);
    expect(auth).toBe('Bearer user-token');
  });

  it('passes the cost window', async () => {
    let window: string | null = null;
    server.use(
      http.get(
        `${base}/entities/component/default/payments-api/overview`,
        ({ request }) => {
          window = new URL(request.url).searchParams.get('costWindow');
          return HttpResponse.json(paymentsOverview());
        },
      ),
    );
    await client.getOverview(entity, { costWindow: '30d' });
    expect(window).toBe('30d');
  });

  it('reads the cost trend of an entity for a window, with nothing else in the URL', async () => {
    let url: URL | undefined;
    let cache: RequestCache | undefined;
    server.use(
      http.get(
        `${base}/entities/component/default/payments-api/cost-trend`,
        ({ request }) => {
          url = new URL(request.url);
          cache = request.cache;
          return HttpResponse.json(paymentsCostTrend('30d'));
        },
      ),
    );
    const trend = await client.getCostTrend(entity, { window: '30d' });
    expect(trend.window).toBe('30d');
    expect(trend.environments.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    // The browser revalidates with the ETag: no cache-busting parameter, no 'no-store'.
    expect([...url!.searchParams.entries()]).toEqual([['window', '30d']]);
    expect(cache).not.toBe('no-store');
  });

  it('reads promotions, also when the portal has none configured', async () => {
    server.use(
      http.get(
        `${base}/entities/component/default/payments-api/promotions`,
        () => HttpResponse.json({ configured: false, items: [] }),
      ),
    );
    await expect(client.listPromotions(entity)).resolves.toEqual({
      configured: false,
      items: [],
    });
  });

  it('posts actions, with the history id for a rollback', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(
        `${base}/entities/component/default/payments-api/applications/argocd-prod/payments-api-prod/:action`,
        async ({ request, params }) => {
          bodies.push({ action: params.action, body: await request.json() });
          return HttpResponse.json({ application: {} });
        },
      ),
    );
    const application = { instance: 'argocd-prod', name: 'payments-api-prod' };
    await client.runApplicationAction(entity, application, { type: 'sync' });
    await client.runApplicationAction(entity, application, {
      type: 'rollback',
      id: 4,
    });
    expect(bodies).toEqual([
      { action: 'sync', body: {} },
      { action: 'rollback', body: { id: 4 } },
    ]);
  });

  it('turns an error answer into a ResponseError with the backend message', async () => {
    server.use(
      http.post(
        `${base}/entities/component/default/payments-api/applications/:i/:a/sync`,
        () =>
          HttpResponse.json(
            // The body Backstage's error handler sends.
            {
              error: {
                name: 'NotAllowedError',
                message: 'not allowed to sync',
              },
              request: { method: 'POST', url: '/sync' },
              response: { statusCode: 403 },
            },
            { status: 403 },
          ),
      ),
    );
    await expect(
      client.runApplicationAction(
        entity,
        { instance: 'argocd-main', name: 'payments-api-dev' },
        { type: 'sync' },
      ),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      response: { status: 403 },
      body: { error: { message: 'not allowed to sync' } },
    });
  });

  it('reads the rollouts of an entity, revalidating like the other reads', async () => {
    let cache: RequestCache | undefined;
    server.use(
      http.get(
        `${base}/entities/component/default/payments-api/rollouts`,
        ({ request }) => {
          cache = request.cache;
          return HttpResponse.json(scheduleBotRollouts());
        },
      ),
    );
    const answer = await client.getRollouts(entity);
    expect(answer.applications[0].rollouts[0].name).toBe('schedule-bot');
    expect(cache).not.toBe('no-store');
  });

  it('posts a rollout action to its own path, each segment encoded', async () => {
    const calls: unknown[] = [];
    server.use(
      http.post(
        `${base}/entities/component/default/payments-api/applications/:instance/:app/rollouts/:ns/:rollout/:action`,
        async ({ request, params }) => {
          calls.push({
            path: new URL(request.url).pathname,
            params,
            body: await request.text(),
          });
          return HttpResponse.json({ rollout: promotedCanary() });
        },
      ),
    );
    const answer = await client.runRolloutAction(entity, {
      instance: 'argocd main',
      application: 'schedule-bot-dev',
      namespace: 'schedule-bot-dev',
      rollout: 'schedule/bot',
      action: 'promote',
    });
    expect(answer.rollout.currentStepIndex).toBe(2);
    expect(calls).toEqual([
      {
        path: '/api/gitops/entities/component/default/payments-api/applications/argocd%20main/schedule-bot-dev/rollouts/schedule-bot-dev/schedule%2Fbot/promote',
        params: {
          instance: 'argocd main',
          app: 'schedule-bot-dev',
          ns: 'schedule-bot-dev',
          rollout: 'schedule/bot',
          action: 'promote',
        },
        body: '{}',
      },
    ]);
  });

  const group = { kind: 'Group', namespace: 'default', name: 'team-payments' };

  it('reads the estate of a group for a window, and its daily cost', async () => {
    const urls: URL[] = [];
    server.use(
      http.get(
        `${base}/entities/group/default/team-payments/estate`,
        ({ request }) => {
          urls.push(new URL(request.url));
          return HttpResponse.json(teamPaymentsEstate());
        },
      ),
      http.get(
        `${base}/entities/group/default/team-payments/estate/cost-trend`,
        ({ request }) => {
          urls.push(new URL(request.url));
          return HttpResponse.json({
            ...paymentsCostTrend('7d'),
            entityRef: 'group:default/team-payments',
          });
        },
      ),
    );
    const estate = await client.getEstate(group, { window: '30d' });
    expect(estate.services.map(s => s.entityRef)).toContain(
      'component:default/payments-api',
    );
    await client.getEstateCostTrend(group, { window: '7d' });
    expect(urls.map(u => `${u.pathname}${u.search}`)).toEqual([
      '/api/gitops/entities/group/default/team-payments/estate?window=30d',
      '/api/gitops/entities/group/default/team-payments/estate/cost-trend?window=7d',
    ]);
  });

  it('downloads the chargeback CSV with the user token, named as the backend says', async () => {
    let auth: string | null = null;
    server.use(
      http.get(
        `${base}/entities/group/default/team-payments/estate/cost.csv`,
        ({ request }) => {
          auth = request.headers.get('authorization');
          return new HttpResponse(
            'service,environment,total\npayments-api,prod,400\n',
            {
              headers: {
                'Content-Type': 'text/csv; charset=utf-8',
                'Content-Disposition':
                  'attachment; filename="team-payments-cost-30d.csv"',
              },
            },
          );
        },
      ),
    );
    const csv = await client.getEstateCostCsv(group, { window: '30d' });
    expect(auth).toBe('Bearer user-token');
    expect(csv.filename).toBe('team-payments-cost-30d.csv');
    expect(await csv.blob.text()).toBe(
      'service,environment,total\npayments-api,prod,400\n',
    );
  });

  it('names the CSV itself without a Content-Disposition, and fails on an error answer', async () => {
    server.use(
      http.get(
        `${base}/entities/system/default/payments/estate/cost.csv`,
        () =>
          new HttpResponse('service\n', {
            headers: { 'Content-Type': 'text/csv' },
          }),
      ),
      http.get(
        `${base}/entities/group/default/team-payments/estate/cost.csv`,
        () =>
          HttpResponse.json(
            {
              error: {
                name: 'InputError',
                message: 'query.window: not a window',
              },
              request: { method: 'GET', url: '/estate/cost.csv' },
              response: { statusCode: 400 },
            },
            { status: 400 },
          ),
      ),
    );
    const csv = await client.getEstateCostCsv(
      { kind: 'System', namespace: 'default', name: 'payments' },
      { window: '7d' },
    );
    expect(csv.filename).toBe('payments-cost-7d.csv');
    await expect(
      client.getEstateCostCsv(group, { window: 'x' }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      response: { status: 400 },
    });
  });

  it('reads DORA figures for 30 or 90 days', async () => {
    const days: Array<string | null> = [];
    server.use(
      http.get(
        `${base}/entities/component/default/payments-api/dora`,
        ({ request }) => {
          const asked = new URL(request.url).searchParams.get('days');
          days.push(asked);
          return HttpResponse.json(doraFigures(Number(asked)));
        },
      ),
    );
    expect((await client.getDora(entity, { days: 90 })).days).toBe(90);
    await client.getDora(entity, { days: 30 });
    expect(days).toEqual(['90', '30']);
  });

  it("keeps Argo CD's reason of a refused rollout action in the ResponseError", async () => {
    server.use(
      http.post(
        `${base}/entities/component/default/payments-api/applications/:i/:a/rollouts/:n/:r/abort`,
        () =>
          HttpResponse.json(
            {
              error: {
                name: 'ConflictError',
                message: 'Argo CD refused abort: rollout is not paused',
              },
              request: { method: 'POST', url: '/abort' },
              response: { statusCode: 409 },
            },
            { status: 409 },
          ),
      ),
    );
    await expect(
      client.runRolloutAction(entity, {
        instance: 'argocd-main',
        application: 'schedule-bot-dev',
        namespace: 'schedule-bot-dev',
        rollout: 'schedule-bot',
        action: 'abort',
      }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      response: { status: 409 },
      cause: { message: 'Argo CD refused abort: rollout is not paused' },
    });
  });
});
