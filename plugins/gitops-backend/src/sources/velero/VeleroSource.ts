import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  CustomObjectsApi,
  KubeConfig,
  makeInformer,
  setHeaderMiddleware,
  type KubernetesObject,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type {
  BackupClusterData,
  BackupSink,
  BackupSource,
} from '@internal/backstage-plugin-gitops-node';
import type { VeleroClusterConfig } from '../../config';
import { UpstreamError, describeError, sanitize } from '../../util/errors';
import {
  parseVeleroObject,
  toBackup,
  toLocation,
  toSchedule,
  type VeleroPlural,
} from './veleroObjects';

const PLURALS: VeleroPlural[] = [
  'backups',
  'schedules',
  'backupstoragelocations',
];

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
 * Velero's objects (`velero.io/v1` Backups, Schedules, BackupStorageLocations) of one cluster,
 * kept by `@kubernetes/client-node` informers: a list, then a watch from its resourceVersion,
 * a re-list when the API server says that version is too old (410). After each change the
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
    const kc = kubeConfigOf(this.config);
    const api = kc.makeApiClient(CustomObjectsApi);
    const retry = this.options.retryMs ?? { min: 1000, max: 60_000 };
    const listed = new Set<VeleroPlural>();
    const failing = new Map<VeleroPlural, string>();
    let lastLogged: string | undefined;
    let emitTimer: NodeJS.Timeout | undefined;

    const informers = PLURALS.map(plural => {
      const informer = makeInformer<KubernetesObject>(
        kc,
        `/apis/velero.io/v1/namespaces/${encodeURIComponent(
          this.config.namespace,
        )}/${plural}`,
        async () => {
          const list = await this.listKind(api, plural, signal);
          listed.add(plural);
          failing.delete(plural);
          // After the informer has put the list in its cache (right after this returns).
          setImmediate(report);
          return list;
        },
      );
      return { plural, informer, failures: 0, attempts: 0, erred: -1 };
    });

    const data = (): BackupClusterData => {
      const parsed = <P extends VeleroPlural, R>(
        plural: P,
        map: (value: any) => R,
      ): R[] => {
        const entry = informers.find(i => i.plural === plural)!;
        const out: R[] = [];
        for (const raw of entry.informer.list()) {
          const result = parseVeleroObject(plural, raw);
          if (result.ok) out.push(map(result.value));
          else this.options.logger.debug(`gitops: velero ${this.cluster}: ${result.error}`);
        }
        return out;
      };
      return {
        backups: parsed('backups', toBackup),
        schedules: parsed('schedules', toSchedule),
        locations: parsed('backupstoragelocations', toLocation),
      };
    };
    const emit = () => {
      if (emitTimer || listed.size < PLURALS.length) return;
      emitTimer = setTimeout(() => {
        emitTimer = undefined;
        if (!signal.aborted) sink.set(data());
      }, this.options.batchMs ?? 50);
    };
    const report = () => {
      if (failing.size > 0) {
        const error = [...failing.values()][0];
        sink.setStatus({
          state: listed.size === PLURALS.length ? 'stale' : 'error',
          error,
        });
        if (error !== lastLogged) {
          this.options.logger.warn(
            `gitops: velero ${this.cluster}: ${error}; keeping the last good state and retrying`,
          );
          lastLogged = error;
        }
      } else if (listed.size === PLURALS.length) {
        if (lastLogged) {
          this.options.logger.info(`gitops: velero ${this.cluster} recovered`);
          lastLogged = undefined;
        }
        // The data first, so no view sees the cluster ok without its objects.
        clearTimeout(emitTimer);
        emitTimer = undefined;
        sink.set(data());
        sink.setStatus({ state: 'ok' });
      }
    };

    for (const entry of informers) {
      entry.informer.on('add', emit);
      entry.informer.on('update', emit);
      entry.informer.on('delete', emit);
      entry.informer.on('error', (error?: unknown) => {
        if (signal.aborted) return;
        entry.failures++;
        entry.erred = entry.attempts;
        failing.set(
          entry.plural,
          describeError(
            error instanceof UpstreamError
              ? error
              : this.toError(error, entry.plural, false),
            this.secrets,
          ),
        );
        report();
        const delay = Math.min(
          retry.min * 2 ** (entry.failures - 1),
          retry.max,
        );
        setTimeout(() => {
          if (!signal.aborted) start(entry);
        }, delay);
      });
    }

    /** Starts (or restarts) an informer: once its watch is open again, the kind is healthy. */
    const start = (entry: (typeof informers)[number]) => {
      const attempt = ++entry.attempts;
      entry.informer.start().then(
        () => {
          // start() also resolves when the list failed (the informer reported it as an error).
          if (signal.aborted || entry.erred === attempt) return;
          if (!listed.has(entry.plural)) return;
          entry.failures = 0;
          if (failing.delete(entry.plural)) report();
        },
        () => {
          // Reported through the informer's `error` callback.
        },
      );
    };

    return new Promise<void>(resolve => {
      const stop = () => {
        clearTimeout(emitTimer);
        Promise.all(informers.map(i => i.informer.stop())).finally(resolve);
      };
      if (signal.aborted) {
        stop();
        return;
      }
      signal.addEventListener('abort', stop, { once: true });
      for (const entry of informers) start(entry);
    });
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
