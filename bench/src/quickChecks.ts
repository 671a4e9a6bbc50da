/**
 * What the quick bench asserts, each a list of failures (empty: passed). Counts and protocol
 * only, never timings: the quick bench runs in the test command, on a machine doing other work.
 */
import type { RunningBackend } from './lib/backends';
import type { BenchEntity } from './lib/entities';
import { ARGO_LIST, ARGO_STREAM } from './lib/fleet';
import type { LevelResult } from './lib/measure';
import { callsOf, type ListWindow } from './lib/probe';

const entityBase = (backend: RunningBackend, entity: BenchEntity) =>
  `${backend.baseUrl}/api/gitops/entities/component/default/${entity.name}`;
const auth = (backend: RunningBackend) => ({
  authorization: `Bearer ${backend.token}`,
});

/** The permission decisions the overview answer must carry for the page to be one request. */
const PERMISSIONS = ['sync', 'refresh', 'rollback', 'promote', 'approve'];

/**
 * The one-request page: the overview answer holds every permission decision the page needs
 * (booleans) and whether promotions are configured, so the page asks nothing else.
 */
export async function checkOneRequestPage(
  backend: RunningBackend,
  entity: BenchEntity,
): Promise<string[]> {
  const res = await fetch(`${entityBase(backend, entity)}/overview`, {
    headers: auth(backend),
  });
  if (res.status !== 200) return [`overview: HTTP ${res.status}`];
  const body = (await res.json()) as {
    permissions?: Record<string, unknown>;
    promotionsConfigured?: unknown;
  };
  const missing = PERMISSIONS.filter(
    p => typeof body.permissions?.[p] !== 'boolean',
  );
  return [
    ...(missing.length
      ? [`the overview answer lacks the permissions ${missing.join(', ')}`]
      : []),
    ...(typeof body.promotionsConfigured === 'boolean'
      ? []
      : ['the overview answer lacks promotionsConfigured']),
  ];
}

/**
 * The 304 path: the overview and every other read of the tab (history, resources, cost trend,
 * promotions) answer an ETag, and `If-None-Match` with it an empty 304 — also with the
 * `Cache-Control: no-cache` fetch adds to a request with a conditional header. The overview also
 * `Cache-Control: private, no-cache` (a browser keeps it and revalidates).
 */
export async function check304(
  backend: RunningBackend,
  entity: BenchEntity,
): Promise<{ failures: string[] }> {
  const failures: string[] = [];
  const routes = [
    'overview',
    'history',
    'resources',
    'cost-trend?window=7d',
    'promotions',
  ];
  for (const route of routes) {
    const url = `${entityBase(backend, entity)}/${route}`;
    const first = await fetch(url, { headers: auth(backend) });
    await first.arrayBuffer();
    const etag = first.headers.get('etag');
    if (first.status !== 200 || !etag) {
      failures.push(`${route}: HTTP ${first.status}, ETag ${etag}`);
      continue;
    }
    const cache = first.headers.get('cache-control');
    if (route === 'overview' && cache !== 'private, no-cache') {
      failures.push(`overview: Cache-Control ${cache}`);
    }
    const again = await fetch(url, {
      headers: { ...auth(backend), 'if-none-match': etag },
    });
    const body = await again.text();
    if (again.status !== 304 || body.length) {
      failures.push(
        `${route}: If-None-Match ${etag} answered ${again.status} (${body.length} bytes), not an empty 304`,
      );
    }
  }
  return { failures };
}

/**
 * A level of the steady state: page views happened, none failed, nothing changed upstream (the
 * bench's own watch of the streams saw no event, so "no call" is meaningful), no Argo CD call at
 * all (no list, no new stream, nothing a view caused), and the backend did not ask its catalog
 * or permission backend per view (its catalog mirror's delta read and one policy call per user
 * per cache period are allowed: at most 3 in the level).
 */
export function checkSteadyLevel(r: LevelResult, oneRequest: boolean) {
  const failures: string[] = [];
  const fail = (what: string) => failures.push(`${r.name}: ${what}`);
  if (r.pageViews === 0) fail('no page views');
  if (r.errorCount) fail(`errors ${JSON.stringify(r.errors)}`);
  if (r.argoChangeEvents)
    fail(
      `${r.argoChangeEvents} application changes upstream during the level: not a steady state`,
    );
  if (r.argo.causedByViews !== 0)
    fail(
      `${
        r.argo.causedByViews
      } Argo CD calls caused by page views (want 0): ${JSON.stringify(
        r.argo.byRoute,
      )}`,
    );
  const informer =
    (r.argo.byRoute[ARGO_LIST] ?? 0) + (r.argo.byRoute[ARGO_STREAM] ?? 0);
  if (informer)
    fail(
      `${informer} list or stream calls in the steady state (want 0: lists only at start)`,
    );
  if (oneRequest && r.requestsPerView !== 1)
    fail(`${r.requestsPerView} requests per overview page (want 1)`);
  const own = r.probe?.calls ?? {};
  const catalog = callsOf(own, / catalog$/);
  const permission = callsOf(own, / permission$/);
  if (catalog + permission > 3)
    fail(
      `${catalog} catalog and ${permission} permission calls by the backend in ${r.pageViews} views`,
    );
  return failures;
}

/** Lists only at start: one full list per instance over the whole session (the probe's count). */
export function checkListsOnlyAtStart(
  windows: ListWindow[],
  instances: number,
): string[] {
  const lists = windows.reduce((a, w) => a + w.lists, 0);
  if (!windows.length) return ['the probe saw no Argo CD list'];
  return lists === instances
    ? []
    : [
        `${lists} full lists in the session (want ${instances}: one per instance, at start)`,
      ];
}
