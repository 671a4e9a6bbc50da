/**
 * What each plugin's frontend requests when an entity page opens, and what it repeats while the
 * page stays open. Read from the frontends' published sources (see bench/RESEARCH.md for the
 * file and line of each step); the entity itself (`GET /api/catalog/entities/by-name/...`) is
 * fetched by Backstage's entity page for every plugin alike and is left out.
 */
import type { BenchEntity } from './entities';
import type { PageContext, PageModel } from './load';

const enc = encodeURIComponent;

/** `POST /api/permission/authorize` as `usePermission` (SWR + DataLoader) sends it: one per page. */
const authorize = (
  c: PageContext,
  permission: Record<string, unknown>,
  resourceRef?: string,
) =>
  c.post('/api/permission/authorize', 'POST /api/permission/authorize', {
    items: [
      {
        id: `${Math.random().toString(36).slice(2)}`,
        permission,
        ...(resourceRef ? { resourceRef } : {}),
      },
    ],
  });

const oursBase = (e: BenchEntity) =>
  `/api/gitops/entities/component/default/${enc(e.name)}`;
const OURS_ROUTE = 'GET /api/gitops/entities/:kind/:namespace/:name';

/**
 * Ours (plugins/gitops), the entity's overview page: the environment matrix and every other
 * card share one single-flight overview request, which carries the user's permissions and
 * `promotionsConfigured`: the page is one request (no `POST /api/permission/authorize`); no
 * polling (updates come through Signals, one websocket per browser, not counted here).
 */
export const oursOverviewPage: PageModel = {
  id: 'ours-overview',
  label: 'ours (overview page)',
  requests:
    '`GET /api/gitops/entities/component/default/<name>/overview` (with the permissions); no polling',
  async load(c, e) {
    await c.get(`${oursBase(e)}/overview`, `${OURS_ROUTE}/overview`);
  },
};

/**
 * Ours, the GitOps tab: its cards mount together, so the overview (shared, single-flight), the
 * deployment history, the resource tree, the promotions and the 7-day cost trend are asked at
 * once; each is ETag'd; no polling.
 */
export const oursTabPage: PageModel = {
  id: 'ours-tab',
  label: 'ours (GitOps tab)',
  requests:
    '`GET …/overview`, `…/history`, `…/resources`, `…/promotions`, `…/cost-trend?window=7d` under `/api/gitops/entities/component/default/<name>`, at once; no polling',
  async load(c, e) {
    const base = oursBase(e);
    await Promise.all([
      c.get(`${base}/overview`, `${OURS_ROUTE}/overview`),
      c.get(`${base}/history`, `${OURS_ROUTE}/history`),
      c.get(`${base}/resources`, `${OURS_ROUTE}/resources`),
      c.get(`${base}/promotions`, `${OURS_ROUTE}/promotions`),
      c.get(`${base}/cost-trend?window=7d`, `${OURS_ROUTE}/cost-trend`),
    ]);
  },
};

type ArgoList = {
  items: Array<{
    metadata: { name: string; namespace?: string; instance?: { name: string } };
    status?: {
      history?: Array<{
        revision: string;
        deployedAt?: string;
        source?: { chart?: string };
      }>;
    };
  }> | null;
};

/** Roadie's `useAppDetails` (selector, backend mode): find the instances, then list on each. */
async function roadieAppDetails(c: PageContext, e: BenchEntity) {
  const found = await c.get<Array<{ name: string }>>(
    `/api/argocd/find/selector/${enc(e.selector)}`,
    'GET /api/argocd/find/selector/:selector',
  );
  const lists = await Promise.all(
    found.map(i =>
      c.get<ArgoList>(
        `/api/argocd/argoInstance/${enc(i.name)}/applications/selector/${enc(
          e.selector,
        )}`,
        'GET /api/argocd/argoInstance/:instance/applications/selector/:selector',
      ),
    ),
  );
  return lists.flatMap(l => (l.items ?? []).filter(Boolean));
}

/**
 * Roadie's history card: every history entry except the oldest (`slice(0, -1)` when
 * `argocd.revisionsToLoad` is unset), newest first, all at once (`Promise.all`).
 */
async function roadieHistory(c: PageContext, e: BenchEntity) {
  const apps = await roadieAppDetails(c, e);
  const rows = apps.flatMap(app =>
    [...(app.status?.history ?? [])]
      .sort(
        (a, b) =>
          new Date(b.deployedAt ?? '').valueOf() -
          new Date(a.deployedAt ?? '').valueOf(),
      )
      .slice(0, -1)
      .filter(h => h.source?.chart === undefined)
      .map(h => ({
        app: app.metadata.name,
        instance: app.metadata.instance?.name,
        rev: h.revision,
      })),
  );
  await Promise.all(
    rows.map(r =>
      c.get(
        `/api/argocd/argoInstance/${enc(
          r.instance ?? '',
        )}/applications/name/${enc(r.app)}/revisions/${enc(r.rev)}/metadata`,
        'GET /api/argocd/argoInstance/:instance/applications/name/:app/revisions/:rev/metadata',
      ),
    ),
  );
}

/**
 * Roadie (@roadiehq/backstage-plugin-argo-cd 2.12.5) in the new frontend system: the overview
 * card and the history card are both entity cards of a Component's overview page by default;
 * each runs its own `useAppDetails`; no polling.
 */
export const roadiePage: PageModel = {
  id: 'roadie',
  label: 'Roadie (overview + history cards)',
  requests:
    'per card: `GET /api/argocd/find/selector/<sel>`, then `GET /api/argocd/argoInstance/<i>/applications/selector/<sel>` per instance found; the history card then `GET …/applications/name/<app>/revisions/<rev>/metadata` for every history entry but the oldest (3 apps × 9); no polling',
  async load(c, e) {
    await Promise.all([roadieAppDetails(c, e), roadieHistory(c, e)]);
  },
};

/** Roadie with only the overview card on the page (a legacy app that adds just that card). */
export const roadieOverviewOnlyPage: PageModel = {
  id: 'roadie-overview-card',
  label: 'Roadie (overview card only)',
  requests:
    '`GET /api/argocd/find/selector/<sel>`, then `GET /api/argocd/argoInstance/<i>/applications/selector/<sel>` per instance found; no polling',
  async load(c, e) {
    await roadieAppDetails(c, e);
  },
};

/**
 * Community (@backstage-community/plugin-argocd 3.1.0), its Deployment summary tab: a selector
 * without `argocd/instance-name` is listed on every instance named in the frontend config, in
 * parallel; `usePermission(argocd.view.read)` alongside; the list repeats every
 * `argocd.refreshInterval` (10 s). The client's one-time `GET /check` (which backend plugin is
 * there) happens on the session's first page, once per instance call that races for it.
 */
export function communityPage(instances: string[]): PageModel {
  const base = '/api/backstage-community-argocd';
  const list = (c: PageContext, e: BenchEntity, instance: string) => {
    const selector = enc(e.selector);
    return c.get(
      `${base}/argoInstance/${enc(
        instance,
      )}/applications/selector/${selector}?selector=${enc(selector)}`,
      `GET ${base}/argoInstance/:instance/applications/selector/:selector`,
    );
  };
  return {
    id: 'community',
    label: 'Community (deployment summary tab)',
    requests: `\`GET /api/backstage-community-argocd/argoInstance/<i>/applications/selector/<sel>\` on each of the ${instances.length} configured instances and one \`POST /api/permission/authorize\` (argocd.view.read), in parallel; \`GET …/check\` before each list on a session's first page; the lists again every 10 s while the page is open`,
    async load(c, e) {
      await Promise.all([
        authorize(c, {
          type: 'basic',
          name: 'argocd.view.read',
          attributes: { action: 'read' },
        }),
        ...instances.map(async i => {
          if (c.firstViewOfSession)
            await c.get(`${base}/check`, `GET ${base}/check`);
          await list(c, e, i);
        }),
      ]);
    },
    poll: {
      intervalMs: 10_000,
      async run(c, e) {
        await Promise.all(instances.map(i => list(c, e, i)));
      },
    },
  };
}
