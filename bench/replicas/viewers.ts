/** Page views of ours as the bench's viewers make them: the overview page and the GitOps tab. */
import { percentile, request, round, withToken } from './http';
import { TAB_ROUTES, VIEWED_ENTITIES } from './settings';

const entityPath = (ref: string) => {
  const [namespace, name] = ref.split('/');
  return `/api/gitops/entities/component/${namespace}/${name}`;
};

/** One GitOps tab view: its five requests at once; the statuses of the answers. */
export async function tabView(base: string, token: string, ref: string) {
  const answers = await Promise.all(
    TAB_ROUTES.map(route =>
      request(`${base}${entityPath(ref)}/${route}`, {
        headers: withToken(token),
      }),
    ),
  );
  return answers.map(a => a.status);
}

/** One overview page view: the one request. */
export async function overviewView(base: string, token: string, ref: string) {
  return [
    (
      await request(`${base}${entityPath(ref)}/overview`, {
        headers: withToken(token),
      })
    ).status,
  ];
}

/** Every viewed entity's tab once on a replica, `passes` times (what is fetched once is in). */
export async function warmTabs(base: string, token: string, passes = 3) {
  for (let i = 0; i < passes; i++) {
    for (const ref of VIEWED_ENTITIES) await tabView(base, token, ref);
  }
}

/**
 * `viewers` viewers for `ms` through `base` (the proxy), each in a closed loop over the viewed
 * entities, every other view an overview page and a GitOps tab.
 */
export async function viewersLoop(options: {
  base: string;
  token: string;
  viewers: number;
  ms: number;
}) {
  const end = Date.now() + options.ms;
  const latencies: number[] = [];
  let views = 0;
  let failed = 0;
  const viewer = async (i: number) => {
    for (let n = i; Date.now() < end; n++) {
      const ref = VIEWED_ENTITIES[n % VIEWED_ENTITIES.length];
      const started = performance.now();
      try {
        const statuses = await (n % 2 ? tabView : overviewView)(
          options.base,
          options.token,
          ref,
        );
        if (statuses.some(s => s !== 200)) failed++;
      } catch {
        failed++;
      }
      latencies.push(performance.now() - started);
      views++;
    }
  };
  await Promise.all(
    Array.from({ length: options.viewers }, (_, i) => viewer(i)),
  );
  return {
    views,
    failed,
    viewsPerSecond: round(views / (options.ms / 1000)),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
  };
}
