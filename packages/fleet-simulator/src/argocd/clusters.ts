import type { ArgoInstance } from './instance';
import { iso } from './app';

/** Argo CD's name for the cluster it runs in (`cluster.inClusterEnabled`, on by default). */
const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * `GET /api/v1/clusters` as Argo CD answers it: the in-cluster entry plus every cluster an
 * application deploys to, sanitised (no bearer token, password or key in `config`), with the
 * controller's connection state and cache figures. Filters: `server`, `name`, or
 * `id.type` (`server`, the default, or `name`) with `id.value`.
 */
export function clusterList(
  instance: ArgoInstance,
  query: Record<string, unknown>,
) {
  const counts = new Map<string, number>([[IN_CLUSTER, 0]]);
  for (const app of instance.apps.values()) {
    const server = app.obj.spec.destination?.server ?? IN_CLUSTER;
    counts.set(server, (counts.get(server) ?? 0) + 1);
  }
  const now = iso(instance.clock.now());
  const clusters = [...counts].map(([server, applications]) => {
    const connection = { status: 'Successful', message: '', attemptedAt: now };
    return {
      server,
      name: server === IN_CLUSTER ? 'in-cluster' : new URL(server).hostname,
      config: { tlsClientConfig: { insecure: false } },
      connectionState: connection,
      serverVersion: '1.31',
      info: {
        connectionState: connection,
        serverVersion: '1.31',
        cacheInfo: {
          resourcesCount: applications * 6,
          apisCount: 64,
          lastCacheSyncTime: now,
        },
        applicationsCount: applications,
      },
    };
  });
  const text = (key: string) =>
    typeof query[key] === 'string' && query[key] ? String(query[key]) : '';
  const idType = text('id.type') || 'server';
  const server =
    text('server') || (idType === 'server' ? text('id.value') : '');
  const name = text('name') || (idType === 'name' ? text('id.value') : '');
  const items = clusters.filter(
    c => (!server || c.server === server) && (!name || c.name === name),
  );
  // An empty repeated field leaves the gateway as null, as Argo's other lists.
  return { metadata: {}, items: items.length ? items : null };
}
