/** The fleet's request counters (`GET /control/counts`), diffed and grouped by what a call is. */
import { request } from './http';
import { CONTROL } from './settings';

export type Counts = Record<
  'argo' | 'cost' | 'kube',
  Record<string, Record<string, number>>
>;

export const counts = async (): Promise<Counts> =>
  JSON.parse((await request(`${CONTROL}/control/counts`)).body);

/** Calls between two readings, keyed `<server> <route>`. */
export function diffCounts(before: Counts, after: Counts) {
  const out: Record<string, number> = {};
  for (const kind of ['argo', 'cost', 'kube'] as const) {
    for (const [service, routes] of Object.entries(after[kind])) {
      for (const [route, n] of Object.entries(routes)) {
        const d = n - (before[kind][service]?.[route] ?? 0);
        if (d) out[`${kind} ${service} ${route}`] = d;
      }
    }
  }
  return out;
}

const sumOf = (d: Record<string, number>, match: RegExp) =>
  Object.entries(d)
    .filter(([k]) => match.test(k))
    .reduce((s, [, n]) => s + n, 0);

/** Upstream calls of a window by what they are. */
export interface UpstreamCalls {
  /** Full lists (`GET /api/v1/applications`): the informers' start and their resyncs. */
  argoLists: number;
  /** Streams opened (`GET /api/v1/stream/applications`): one per instance per replica. */
  argoStreams: number;
  /** Every other Argo CD call (one application, its resource tree, revision metadata). */
  argoOther: number;
  argoRevisionMetadata: number;
  /** Cost allocation queries (totals hourly per replica, trends when a card asks). */
  cost: number;
  /** Kubernetes API (Velero objects: list + watch per cluster). */
  kube: number;
  all: Record<string, number>;
}

export function upstreamCalls(d: Record<string, number>): UpstreamCalls {
  const argoLists = sumOf(d, /^argo \S+ GET \/api\/v1\/applications$/);
  const argoStreams = sumOf(
    d,
    /^argo \S+ GET \/api\/v1\/stream\/applications$/,
  );
  return {
    argoLists,
    argoStreams,
    argoOther: sumOf(d, /^argo /) - argoLists - argoStreams,
    argoRevisionMetadata: sumOf(d, /^argo .*\/revisions\/.*\/metadata$/),
    cost: sumOf(d, /^cost /),
    kube: sumOf(d, /^kube /),
    all: d,
  };
}

/** Counts the upstream calls made while `run` runs. */
export async function countDuring<T>(
  run: () => Promise<T>,
): Promise<{ result: T; calls: UpstreamCalls }> {
  const before = await counts();
  const result = await run();
  const after = await counts();
  return { result, calls: upstreamCalls(diffCounts(before, after)) };
}
