import type { LoggerService } from '@backstage/backend-plugin-api';
import type { GitopsConfig } from '../config';
import { veleroTls } from '../sources/velero/veleroTls';
import {
  tlsFetch,
  upstreamTls,
  warnIfInsecure,
  type TlsFetch,
  type UpstreamTls,
} from '../util/tls';

/**
 * The TLS of each configured upstream, from its own `caCert` / `caFile` /
 * `insecureSkipTLSVerify`, never the process's: a `fetch` with its own undici Agent per Argo
 * CD instance and cost engine, the settings of each Velero cluster's kubeconfig. An upstream
 * that skips verification is named in a warning here, once, at start-up.
 */
export function upstreamTlsOf(config: GitopsConfig, logger: LoggerService) {
  const fetches: TlsFetch[] = [];
  const fetchFor = (
    tls: UpstreamTls,
    options?: { headersTimeoutMs: number },
  ) => {
    warnIfInsecure(logger, tls);
    const f = tlsFetch(tls, undefined, options);
    fetches.push(f);
    return f;
  };
  const argocd = config.argocd.instances.map((instance, i) =>
    fetchFor(
      upstreamTls(
        'Argo CD instance',
        instance.name,
        `gitops.argocd.instances[${i}]`,
        instance,
      ),
      // The client's own timers end a quiet stream at the resync, not undici's 300 s.
      { headersTimeoutMs: 0 },
    ),
  );
  const cost = config.cost.clusters.map((c, i) =>
    fetchFor(
      upstreamTls(
        `${c.type === 'kubecost' ? 'Kubecost' : 'OpenCost'} cluster`,
        c.name,
        `gitops.cost.clusters[${i}]`,
        c,
      ),
    ),
  );
  const velero = config.velero.clusters.map((c, i) => {
    const tls = veleroTls(c, i);
    warnIfInsecure(logger, tls);
    return tls;
  });
  return {
    /** The fetch of `gitops.argocd.instances[i]`. */
    argocd: (i: number) => argocd[i],
    /** The fetch of `gitops.cost.clusters[i]`. */
    cost: (i: number) => cost[i],
    /** The TLS settings of `gitops.velero.clusters[i]`. */
    velero: (i: number) => velero[i],
    /** Closes the upstreams' own connection pools (at shutdown). */
    close: async () => {
      await Promise.all(fetches.map(f => f.close()));
    },
  };
}
