import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  CustomObjectsApi,
  KubeConfig,
  setHeaderMiddleware,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type {
  BackupSink,
  BackupSource,
} from '@internal/backstage-plugin-gitops-node';
import type { VeleroClusterConfig } from '../../config';
import { UpstreamError, describeError, sanitize } from '../../util/errors';
import { ClusterInformers } from './clusterInformers';
import type { VeleroPlural } from './veleroObjects';

/** The kubeconfig of a configured cluster: a file, in-cluster, or a URL with a token. */
export function kubeConfigOf(config: VeleroClusterConfig): KubeConfig {
  const kc = new KubeConfig();
  if (config.kubeconfigPath) {
    kc.loadFromFile(config.kubeconfigPath);
  } else if (config.inCluster) {
    kc.loadFromCluster();
  } else {
    kc.loadFromOptions({
      clusters: [
        {
          name: config.name,
          server: config.url!,
          skipTLSVerify: Boolean(config.skipTLSVerify),
        },
      ],
      users: [{ name: 'gitops', token: config.token }],
      contexts: [{ name: 'gitops', cluster: config.name, user: 'gitops' }],
      currentContext: 'gitops',
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

  constructor(
    private readonly config: VeleroClusterConfig,
    private readonly options: {
      logger: LoggerService;
      retryMs?: { min: number; max: number };
      /** Changes are gathered this long before the sink hears of them. */
      batchMs?: number;
    },
  ) {
    this.cluster = config.name;
    this.timeoutMs = config.timeoutMs ?? 10_000;
  }

  get secrets() {
    return this.config.token ? [this.config.token] : [];
  }

  run(sink: BackupSink, signal: AbortSignal): Promise<void> {
    const kubeConfig = kubeConfigOf(this.config);
    const api = kubeConfig.makeApiClient(CustomObjectsApi);
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
    const base = setHeaderMiddleware('accept', 'application/json');
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
