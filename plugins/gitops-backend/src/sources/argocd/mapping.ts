import type {
  ApplicationOperation,
  HealthStatus,
  OperationPhase,
  SyncStatus,
  SyncTask,
} from '@internal/backstage-plugin-gitops-common';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import type { ArgoApplication } from './schemas';

const SYNC: SyncStatus[] = ['Synced', 'OutOfSync', 'Unknown'];
const HEALTH: HealthStatus[] = [
  'Healthy',
  'Progressing',
  'Degraded',
  'Suspended',
  'Missing',
  'Unknown',
];
const PHASES: OperationPhase[] = [
  'Running',
  'Terminating',
  'Succeeded',
  'Failed',
  'Error',
];

const u = <T>(v: T | null | undefined): T | undefined => v ?? undefined;

export function toSyncStatus(value: string | null | undefined): SyncStatus {
  return SYNC.includes(value as SyncStatus) ? (value as SyncStatus) : 'Unknown';
}

export function toHealthStatus(value: string | null | undefined): HealthStatus {
  return HEALTH.includes(value as HealthStatus)
    ? (value as HealthStatus)
    : 'Unknown';
}

const who = (
  i:
    | { username?: string | null; automated?: boolean | null }
    | null
    | undefined,
) => {
  if (i?.username) return i.username;
  return i?.automated ? 'automated' : undefined;
};

type ArgoSyncTask = NonNullable<
  NonNullable<
    NonNullable<
      NonNullable<ArgoApplication['status']>['operationState']
    >['syncResult']
  >['resources']
>[number];

/** One task of `syncResult.resources`, only the fields it has. */
function syncTask(r: ArgoSyncTask): SyncTask {
  const task: SyncTask = { kind: r.kind, name: r.name };
  for (const key of [
    'group',
    'namespace',
    'syncPhase',
    'hookType',
    'hookPhase',
    'status',
    'message',
  ] as const) {
    if (r[key]) task[key] = r[key]!;
  }
  return task;
}

/**
 * Maps a (possibly projected) Argo CD Application to the store's record. `detailed`: the object
 * carries `status.history` when there is one (a full object, or our stream projection); a
 * projected list never does, so its records have no history (`undefined`, not `[]`).
 */
export function toDeploymentApp(
  instance: string,
  app: ArgoApplication,
  options: { detailed: boolean },
): DeploymentApp {
  const spec = app.spec ?? undefined;
  const status = app.status ?? undefined;
  const source = spec?.source ?? spec?.sources?.[0] ?? undefined;
  const automated = spec?.syncPolicy?.automated;
  const op = status?.operationState ?? undefined;
  let operation: ApplicationOperation | undefined;
  if (op?.phase && PHASES.includes(op.phase as OperationPhase)) {
    operation = {
      phase: op.phase as OperationPhase,
      kind: op.operation?.rollback ? 'rollback' : 'sync',
      message: u(op.message),
      startedAt: u(op.startedAt),
      finishedAt: u(op.finishedAt),
      revision: u(op.syncResult?.revision ?? op.operation?.sync?.revision),
      initiatedBy: who(op.operation?.initiatedBy),
      ...(op.syncResult?.resources?.length
        ? { tasks: op.syncResult.resources.map(syncTask) }
        : {}),
      ...(op.retryCount || op.operation?.retry?.limit
        ? {
            retry: {
              count: op.retryCount ?? 0,
              ...(op.operation?.retry?.limit
                ? { limit: op.operation.retry.limit }
                : {}),
            },
          }
        : {}),
    };
  }
  const destination = spec?.destination
    ? {
        server: u(spec.destination.server),
        namespace: u(spec.destination.namespace),
        name: u(spec.destination.name),
      }
    : undefined;
  return {
    instance,
    name: app.metadata.name,
    namespace: u(app.metadata.namespace),
    ...(app.metadata.resourceVersion
      ? { resourceVersion: app.metadata.resourceVersion }
      : {}),
    project: u(spec?.project),
    labels: { ...(app.metadata.labels ?? {}) },
    destination,
    repoURL: u(source?.repoURL),
    path: u(source?.path),
    autoSync: Boolean(automated) && automated?.enabled !== false,
    sync: toSyncStatus(status?.sync?.status),
    syncRevision: u(status?.sync?.revision),
    health: toHealthStatus(status?.health?.status),
    healthMessage: u(status?.health?.message),
    images: [...(status?.summary?.images ?? [])],
    operation,
    history: !options.detailed
      ? undefined
      : (status?.history ?? [])
          .filter(h => Number.isFinite(h.id))
          .map(h => ({
            id: h.id,
            revision: h.revision ?? '',
            deployedAt: u(h.deployedAt),
            deployStartedAt: u(h.deployStartedAt),
            initiatedBy: who(h.initiatedBy),
            images: h.source?.kustomize?.images?.length
              ? [...h.source.kustomize.images]
              : undefined,
          }))
          .sort((a, b) => a.id - b.id),
  };
}
