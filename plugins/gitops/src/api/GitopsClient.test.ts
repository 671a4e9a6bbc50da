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
