import {
  CustomObjectsApi,
  KubeConfig,
  setHeaderMiddleware,
  Watch,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { z } from 'zod';
import type { VeleroClusterConfig } from '../config';
import { UpstreamError, sanitize } from '../util/errors';
import type { VeleroClient, VeleroClusterData } from './types';

const strList = z.array(z.string()).nullish();
const meta = z
  .object({
    name: z.string(),
    labels: z.record(z.string(), z.string()).nullish(),
  })
  .loose();

const backupSchema = z
  .object({
    metadata: meta,
    spec: z
      .object({
        includedNamespaces: strList,
        excludedNamespaces: strList,
        storageLocation: z.string().nullish(),
      })
      .loose()
      .nullish(),
    status: z
      .object({
        phase: z.string().nullish(),
        startTimestamp: z.string().nullish(),
        completionTimestamp: z.string().nullish(),
        expiration: z.string().nullish(),
        errors: z.number().nullish(),
        warnings: z.number().nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();

const scheduleSchema = z
  .object({
    metadata: meta,
    spec: z
      .object({
        schedule: z.string().nullish(),
        paused: z.boolean().nullish(),
        template: z
          .object({
            includedNamespaces: strList,
            excludedNamespaces: strList,
          })
          .loose()
          .nullish(),
      })
      .loose()
      .nullish(),
    status: z.object({ lastBackup: z.string().nullish() }).loose().nullish(),
  })
  .loose();

const locationSchema = z
  .object({
    metadata: meta,
    status: z.object({ phase: z.string().nullish() }).loose().nullish(),
  })
  .loose();

const listOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item).nullish() }).loose();

const u = <T>(v: T | null | undefined): T | undefined => v ?? undefined;

/** Maps raw Velero lists to the snapshot records (exported for tests). */
export function toVeleroData(raw: {
  backups: unknown;
  schedules: unknown;
  locations: unknown;
}): VeleroClusterData {
  const parse = <T extends z.ZodTypeAny>(
    schema: T,
    value: unknown,
    kind: string,
  ): z.infer<T> => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UpstreamError(
        `${kind} list has an unexpected shape at ${
          issue?.path.join('.') || '(root)'
        }: ${issue?.message ?? 'invalid'}`,
        undefined,
        'malformed',
      );
    }
    return parsed.data;
  };
  const backups = parse(listOf(backupSchema), raw.backups, 'Backup');
  const schedules = parse(listOf(scheduleSchema), raw.schedules, 'Schedule');
  const locations = parse(
    listOf(locationSchema),
    raw.locations,
    'BackupStorageLocation',
  );
  return {
    backups: (backups.items ?? []).map(b => ({
      name: b.metadata.name,
      phase: u(b.status?.phase),
      scheduleName: u(b.metadata.labels?.['velero.io/schedule-name']),
      includedNamespaces: [...(b.spec?.includedNamespaces ?? [])],
      excludedNamespaces: [...(b.spec?.excludedNamespaces ?? [])],
      storageLocation: u(b.spec?.storageLocation),
      startedAt: u(b.status?.startTimestamp),
      completedAt: u(b.status?.completionTimestamp),
      expiresAt: u(b.status?.expiration),
      errors: b.status?.errors ?? 0,
      warnings: b.status?.warnings ?? 0,
    })),
    schedules: (schedules.items ?? []).map(s => ({
      name: s.metadata.name,
      cron: s.spec?.schedule ?? '',
      paused: Boolean(s.spec?.paused),
      includedNamespaces: [...(s.spec?.template?.includedNamespaces ?? [])],
      excludedNamespaces: [...(s.spec?.template?.excludedNamespaces ?? [])],
      lastBackupAt: u(s.status?.lastBackup),
    })),
    locations: (locations.items ?? []).map(l => ({
      name: l.metadata.name,
      phase: u(l.status?.phase),
    })),
  };
}

/** Velero's CRDs (`velero.io/v1`) of one cluster through the Kubernetes API. */
export class KubeVeleroClient implements VeleroClient {
  readonly cluster: string;
  private api?: CustomObjectsApi;
  private readonly timeoutMs: number;

  constructor(private readonly config: VeleroClusterConfig) {
    this.cluster = config.name;
    this.timeoutMs = config.timeoutMs ?? 10_000;
  }

  private kubeConfig?: KubeConfig;

  private getApi(): CustomObjectsApi {
    if (this.api) return this.api;
    this.api = this.getKubeConfig().makeApiClient(CustomObjectsApi);
    return this.api;
  }

  private getKubeConfig(): KubeConfig {
    if (this.kubeConfig) return this.kubeConfig;
    const kc = new KubeConfig();
    if (this.config.kubeconfigPath) {
      kc.loadFromFile(this.config.kubeconfigPath);
    } else if (this.config.inCluster) {
      kc.loadFromCluster();
    } else {
      kc.loadFromOptions({
        clusters: [
          {
            name: this.cluster,
            server: this.config.url!,
            skipTLSVerify: Boolean(this.config.skipTLSVerify),
          },
        ],
        users: [{ name: 'gitops', token: this.config.token }],
        contexts: [{ name: 'gitops', cluster: this.cluster, user: 'gitops' }],
        currentContext: 'gitops',
      });
    }
    this.kubeConfig = kc;
    return kc;
  }

  private async listKind(plural: string, signal?: AbortSignal) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
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
      return await this.getApi().listNamespacedCustomObject(
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
        controller.signal.aborted && !signal?.aborted,
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private toError(error: unknown, plural: string, timedOut: boolean) {
    const where = `list velero.io/v1 ${plural} in ${this.config.namespace}`;
    if (timedOut) {
      return new UpstreamError(
        `${where} timed out after ${this.timeoutMs} ms`,
        undefined,
        'timeout',
      );
    }
    const e = error as { code?: number; name?: string; message?: string };
    if (typeof e?.code === 'number') {
      return new UpstreamError(
        `${where} answered HTTP ${e.code}`,
        e.code,
        e.code === 401 || e.code === 403 ? 'auth' : 'http',
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
        [this.config.token ?? ''],
      )}`,
      undefined,
      'unreachable',
    );
  }

  async watch(onChange: () => void, signal: AbortSignal): Promise<void> {
    const watch = new Watch(this.getKubeConfig());
    const controllers: AbortController[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const stop = (error?: unknown) => {
          controllers.forEach(c => c.abort());
          if (error && !signal.aborted) {
            reject(
              new UpstreamError(
                `watch of velero.io/v1 in ${
                  this.config.namespace
                } ended: ${sanitize(
                  String((error as Error)?.message ?? error).slice(0, 200),
                  [this.config.token ?? ''],
                )}`,
                undefined,
                'unreachable',
              ),
            );
          } else {
            resolve();
          }
        };
        signal.addEventListener('abort', () => stop(), { once: true });
        for (const plural of [
          'backups',
          'schedules',
          'backupstoragelocations',
        ]) {
          watch
            .watch(
              `/apis/velero.io/v1/namespaces/${encodeURIComponent(
                this.config.namespace,
              )}/${plural}`,
              { allowWatchBookmarks: true },
              phase => {
                if (phase !== 'BOOKMARK') onChange();
              },
              error => stop(error ?? undefined),
            )
            .then(
              controller => {
                controllers.push(controller);
                if (signal.aborted) controller.abort();
              },
              error => stop(error),
            );
        }
      });
    } finally {
      controllers.forEach(c => c.abort());
    }
  }

  async list(options?: { signal?: AbortSignal }): Promise<VeleroClusterData> {
    const [backups, schedules, locations] = await Promise.all([
      this.listKind('backups', options?.signal),
      this.listKind('schedules', options?.signal),
      this.listKind('backupstoragelocations', options?.signal),
    ]);
    return toVeleroData({ backups, schedules, locations });
  }
}
