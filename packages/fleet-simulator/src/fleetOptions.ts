import type { ArgoBehaviour } from './argocd/instance';
import type { ClockMode } from './clock';

/** startFleet's options and the endpoints it returns (see the README's "Options"). */
export interface FleetOptions {
  /** Where `gitops.git` (bare) and the kubeconfigs are written. Created if missing. */
  dir: string;
  /** 'manual' for tests (advance it), 'real' (default) for the start command. */
  clock?: ClockMode;
  /** Simulated start time in manual mode (default: now). */
  startTime?: Date;
  /** Number of Argo CD instances (default 2: argocd-main, argocd-prod; extras argocd-3...). */
  instances?: number;
  /** Synthetic filler apps per instance (default 6), up to 10,000. */
  appsPerInstance?: number;
  /** status.history entries kept per app (default 10). */
  historyDepth?: number;
  /** Number of clusters for cost + kube APIs (default 2: cluster-main, cluster-prod). */
  clusters?: number;
  host?: string;
  /** Fixed ports (index = instance/cluster index); 0 or missing = ephemeral. */
  ports?: {
    argo?: number[];
    cost?: number[];
    kube?: number[];
    control?: number;
  };
  /** Admin password for every instance (default: random per instance). */
  password?: string;
  /** Session token lifetime (default 86400 s). */
  tokenTtlSeconds?: number;
  /** Git poll interval in real-clock mode (default 2000 ms; 0 disables). */
  gitPollIntervalMs?: number;
  /** Sync/health/auto-sync timings and bad images, see ArgoBehaviour. */
  argo?: Partial<ArgoBehaviour>;
  /** Kubernetes API: watch cache size (events per cluster) and BOOKMARK interval (real time). */
  kube?: { watchWindow?: number; bookmarkIntervalMs?: number };
  /** Clusters whose BackupStorageLocation starts Unavailable. */
  unavailableBackupLocations?: string[];
  /** Seed for all deterministic variation (costs, backups, fault sampling, the backfilled history). */
  seed?: number;
  /**
   * Serve every Argo CD, cost and kube API over HTTPS with a throwaway CA generated at start
   * (`fleet.tls.caCert`). Default: DEFAULT_TLS.
   */
  tls?: boolean;
  /** Per Argo instance, by index: e.g. `{ pathPrefix: '/argocd' }` (behind an ingress path). */
  argoInstances?: Array<ArgoInstanceOptions | undefined>;
}

export interface ArgoInstanceOptions {
  /** The instance's whole API (and stream) answers only under this path, e.g. '/argocd'. */
  pathPrefix?: string;
}

/**
 * Whether startFleet serves HTTPS when `tls` is not given: yes, as real upstreams do (the backend
 * trusts the fleet's CA from the fragment's `caCert`). The CLI follows (cliOptions.ts);
 * `tls: false` / `--plain-http` serve plain HTTP for debugging.
 */
export const DEFAULT_TLS = true;

export interface ArgoEndpoint {
  name: string;
  /** Base URL of the API, including the instance's path prefix. */
  url: string;
  /** Where the UI's deep links start (the same base, as Argo's `--rootpath` serves both). */
  webUrl: string;
  username: string;
  password: string;
  token: string;
}
export interface CostEndpoint {
  cluster: string;
  type: 'kubecost' | 'opencost';
  url: string;
}
export interface KubeEndpoint {
  cluster: string;
  url: string;
  token: string;
  kubeconfigPath: string;
}

/** '/argocd/' → '/argocd'; '', '/' or undefined → '' (no prefix). */
export function normalisePrefix(p?: string): string {
  const trimmed = (p ?? '').replace(/\/+$/, '');
  if (!trimmed) return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
