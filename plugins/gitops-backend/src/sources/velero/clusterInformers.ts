import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  makeInformer,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
} from '@kubernetes/client-node';
import type {
  BackupClusterData,
  BackupSink,
} from '@internal/backstage-plugin-gitops-node';
import {
  parseVeleroObject,
  toBackup,
  toLocation,
  toSchedule,
  type VeleroPlural,
} from './veleroObjects';
import { kubeClient } from './kubeClient';

const PLURALS: VeleroPlural[] = [
  'backups',
  'schedules',
  'backupstoragelocations',
];

type Kind = {
  plural: VeleroPlural;
  informer: ReturnType<typeof makeInformer<KubernetesObject>>;
  failures: number;
  /** Starts so far, and the start an error last came in. */
  attempts: number;
  erred: number;
};

/**
 * The three Velero kinds of one cluster, each kept by a client-node informer (list, then watch
 * from its resourceVersion; a 410 re-lists), reported to the sink as one cluster state. A
 * failing kind keeps the cluster's last good state, `stale`, logged once; it restarts with
 * backoff and is healthy again once its watch is open.
 */
export class ClusterInformers {
  private readonly kinds: Kind[];
  private readonly listed = new Set<VeleroPlural>();
  private readonly failing = new Map<VeleroPlural, string>();
  private lastLogged?: string;
  private emitTimer?: NodeJS.Timeout;

  constructor(
    private readonly options: {
      cluster: string;
      namespace: string;
      kubeConfig: KubeConfig;
      list: (plural: VeleroPlural) => Promise<KubernetesListObject<any>>;
      describe: (error: unknown, plural: VeleroPlural) => string;
      sink: BackupSink;
      signal: AbortSignal;
      logger: LoggerService;
      retryMs: { min: number; max: number };
      batchMs: number;
    },
  ) {
    this.kinds = PLURALS.map(plural => ({
      plural,
      informer: kubeClient().makeInformer<KubernetesObject>(
        options.kubeConfig,
        `/apis/velero.io/v1/namespaces/${encodeURIComponent(
          options.namespace,
        )}/${plural}`,
        async () => {
          const list = await options.list(plural);
          this.listed.add(plural);
          this.failing.delete(plural);
          // After the informer has put the list in its cache (right after this returns).
          setImmediate(() => this.report());
          return list;
        },
      ),
      failures: 0,
      attempts: 0,
      erred: -1,
    }));
    for (const kind of this.kinds) {
      const emit = () => this.emit();
      kind.informer.on('add', emit);
      kind.informer.on('update', emit);
      kind.informer.on('delete', emit);
      kind.informer.on('error', (error?: unknown) => this.failed(kind, error));
    }
  }

  /** Runs until the signal aborts. */
  run(): Promise<void> {
    const { signal } = this.options;
    return new Promise<void>(resolve => {
      const stop = () => {
        clearTimeout(this.emitTimer);
        Promise.all(this.kinds.map(k => k.informer.stop())).finally(resolve);
      };
      if (signal.aborted) {
        stop();
        return;
      }
      signal.addEventListener('abort', stop, { once: true });
      for (const kind of this.kinds) this.start(kind);
    });
  }

  /** Starts (or restarts) an informer: once its watch is open again, the kind is healthy. */
  private start(kind: Kind) {
    const attempt = ++kind.attempts;
    kind.informer.start().then(
      () => {
        // start() also resolves when the list failed (the informer reported it as an error).
        if (this.options.signal.aborted || kind.erred === attempt) return;
        if (!this.listed.has(kind.plural)) return;
        kind.failures = 0;
        if (this.failing.delete(kind.plural)) this.report();
      },
      () => {
        // Reported through the informer's `error` callback.
      },
    );
  }

  private failed(kind: Kind, error: unknown) {
    if (this.options.signal.aborted) return;
    kind.failures++;
    kind.erred = kind.attempts;
    this.failing.set(kind.plural, this.options.describe(error, kind.plural));
    this.report();
    const { min, max } = this.options.retryMs;
    const delay = Math.min(min * 2 ** (kind.failures - 1), max);
    setTimeout(() => {
      if (!this.options.signal.aborted) this.start(kind);
    }, delay);
  }

  private data(): BackupClusterData {
    const parsed = <R>(plural: VeleroPlural, map: (value: any) => R): R[] => {
      const kind = this.kinds.find(k => k.plural === plural)!;
      const out: R[] = [];
      for (const raw of kind.informer.list()) {
        const result = parseVeleroObject(plural, raw);
        if (result.ok) out.push(map(result.value));
        else {
          this.options.logger.debug(
            `gitops: velero ${this.options.cluster}: ${result.error}`,
          );
        }
      }
      return out;
    };
    return {
      backups: parsed('backups', toBackup),
      schedules: parsed('schedules', toSchedule),
      locations: parsed('backupstoragelocations', toLocation),
    };
  }

  /** A change: the cluster's state goes to the sink once per batch. */
  private emit() {
    if (this.emitTimer || this.listed.size < PLURALS.length) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = undefined;
      if (!this.options.signal.aborted) this.options.sink.set(this.data());
    }, this.options.batchMs);
  }

  private report() {
    const { sink, logger, cluster } = this.options;
    const all = this.listed.size === PLURALS.length;
    if (this.failing.size > 0) {
      const error = [...this.failing.values()][0];
      sink.setStatus({ state: all ? 'stale' : 'error', error });
      if (error !== this.lastLogged) {
        logger.warn(
          `gitops: velero ${cluster}: ${error}; keeping the last good state and retrying`,
        );
        this.lastLogged = error;
      }
    } else if (all) {
      if (this.lastLogged) {
        logger.info(`gitops: velero ${cluster} recovered`);
        this.lastLogged = undefined;
      }
      // The data first, so no view sees the cluster ok without its objects.
      clearTimeout(this.emitTimer);
      this.emitTimer = undefined;
      sink.set(this.data());
      sink.setStatus({ state: 'ok' });
    }
  }
}
