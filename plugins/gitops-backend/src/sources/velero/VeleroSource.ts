import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  Cluster,
  CustomObjectsApi,
  KubeConfig,
  ObservableMiddleware,
  RequestContext,
  ResponseContext,
} from '@kubernetes/client-node';
import type {
  BackupSink,
  BackupSource,
} from '@internal/backstage-plugin-gitops-node';
import type { VeleroClusterConfig } from '../../config';
import { UpstreamError, describeError, sanitize } from '../../util/errors';
import { customTls, tlsError, type UpstreamTls } from '../../util/tls';
import { ClusterInformers } from './clusterInformers';
import { kubeClient } from './kubeClient';
import { veleroTls } from './veleroTls';
import type { VeleroPlural } from './veleroObjects';

/**
 * The CA / verification of the config on the cluster the client uses: `caFile` as the
 * kubeconfig's `certificate-authority`, `caCert` as its `certificate-authority-data`,
 * `insecureSkipTLSVerify` as its `insecure-skip-tls-verify`. Without them the kubeconfig's
 * (or the service account's) own CA applies.
 */
function withTls(cluster: Cluster, tls: UpstreamTls): Cluster {
  if (!customTls(tls)) return cluster;
  // The file is read by the client on each connection: a renewed CA is picked up.
  return {
    ...cluster,
    caFile: tls.caFile,
    caData:
      !tls.caFile && tls.ca
        ? Buffer.from(tls.ca).toString('base64')
        : undefined,
    skipTLSVerify: tls.insecure,
  };
}

/** The kubeconfig of a configured cluster: a file, in-cluster, or a URL with a token. */
export function kubeConfigOf(
  config: VeleroClusterConfig,
  tls: UpstreamTls = veleroTls(config),
): KubeConfig {
  const kc = new (kubeClient().KubeConfig)();
  if (config.kubeconfigPath) {
    kc.loadFromFile(config.kubeconfigPath);
  } else if (config.inCluster) {
    kc.loadFromCluster();
  } else {
    kc.loadFromOptions({
      clusters: [{ name: config.name, server: config.url! }],
      users: [{ name: 'gitops', token: config.token }],
      contexts: [{ name: 'gitops', cluster: config.name, user: 'gitops' }],
      currentContext: 'gitops',
    });
  }
  const current = kc.getCurrentCluster();
  if (current && customTls(tls)) {
    kc.loadFromOptions({
      clusters: kc.clusters.map(c => (c === current ? withTls(c, tls) : c)),
      users: kc.users,
      contexts: kc.contexts,
      currentContext: kc.currentContext,
    });
  }
  return kc;
}

/**
 * Velero's objects (`velero.io/v1` Backups, Schedules, BackupStorageLocations) of one cluster
 * through the Kubernetes API, kept by informers (`ClusterInformers`). After each change the
 * whole cluster's state goes to the sink (Velero objects are few).
 */
export class VeleroSource implements BackupSource {
  readonly provider = 'velero';
  readonly cluster: string;
  private readonly timeoutMs: number;
  private readonly tls: UpstreamTls;
  /** The API server the kubeconfig points at (named in a certificate error). */
  private server?: string;

  constructor(
    private readonly config: VeleroClusterConfig,
    private readonly options: {
      logger: LoggerService;
      retryMs?: { min: number; max: number };
      /** Changes are gathered this long before the sink hears of them. */
      batchMs?: number;
      /** The cluster's TLS settings and config key (default: from `config`). */
      tls?: UpstreamTls;
    },
  ) {
    this.cluster = config.name;
    this.timeoutMs = config.timeoutMs ?? 10_000;
    this.tls = options.tls ?? veleroTls(config);
  }

  get secrets() {
    return this.config.token ? [this.config.token] : [];
  }

  run(sink: BackupSink, signal: AbortSignal): Promise<void> {
    const kubeConfig = kubeConfigOf(this.config, this.tls);
    this.server = kubeConfig.getCurrentCluster()?.server;
    const api = kubeConfig.makeApiClient(kubeClient().CustomObjectsApi);
    return new ClusterInformers({
      cluster: this.cluster,
      namespace: this.config.namespace,
      kubeConfig,
      list: plural => this.listKind(api, plural, signal),
      describe: (error, plural) =>
        describeError(
          error instanceof UpstreamError
            ? error
            : this.toError(error, plural, false),
          this.secrets,
        ),
      sink,
      signal,
      logger: this.options.logger,
      retryMs: this.options.retryMs ?? { min: 1000, max: 60_000 },
      batchMs: this.options.batchMs ?? 50,
    }).run();
  }

  /** One list call of a kind, with this cluster's timeout; failures become safe UpstreamErrors. */
  private async listKind(
    api: CustomObjectsApi,
    plural: VeleroPlural,
    signal: AbortSignal,
  ) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    // The generated API takes observable middleware; reuse the library's own to build one.
    const base = kubeClient().setHeaderMiddleware('accept', 'application/json');
    const middleware: ObservableMiddleware = {
      pre: (context: RequestContext) => {
        context.setSignal(controller.signal);
        return base.pre(context);
      },
      post: (context: ResponseContext) => base.post(context),
    };
    try {
      return await api.listNamespacedCustomObject(
        {
          group: 'velero.io',
          version: 'v1',
          namespace: this.config.namespace,
          plural,
        },
        { middleware: [middleware], middlewareMergeStrategy: 'append' },
      );
    } catch (error) {
      throw this.toError(
        error,
        plural,
        controller.signal.aborted && !signal.aborted,
      );
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private toError(error: unknown, plural: string, timedOut: boolean) {
    const where = `velero.io/v1 ${plural} in ${this.config.namespace}`;
    if (timedOut) {
      return new UpstreamError(
        `list ${where} timed out after ${this.timeoutMs} ms`,
        undefined,
        'timeout',
      );
    }
    const tls = tlsError(error, this.tls, this.server);
    if (tls) return tls;
    const e = error as {
      code?: number;
      statusCode?: number;
      message?: string;
    };
    const status = e?.code ?? e?.statusCode;
    if (typeof status === 'number') {
      return new UpstreamError(
        `${where} answered HTTP ${status}`,
        status,
        status === 401 || status === 403 ? 'auth' : 'http',
      );
    }
    if (e instanceof SyntaxError || /JSON/i.test(e?.message ?? '')) {
      return new UpstreamError(
        `${where} answered malformed JSON`,
        200,
        'malformed',
      );
    }
    return new UpstreamError(
      `${where} failed: ${sanitize(
        String(e?.message ?? 'network error').slice(0, 200),
        this.secrets,
      )}`,
      undefined,
      'unreachable',
    );
  }
}
