import type { EnvironmentBackup } from '@internal/backstage-plugin-gitops-common';
import type {
  BackupClusterData as VeleroClusterData,
  BackupRecord,
  ScheduleRecord,
} from '@internal/backstage-plugin-gitops-node';

/**
 * Whether a backup or schedule scope covers a namespace: `includedNamespaces` empty or `*`
 * covers every namespace; `excludedNamespaces` wins.
 */
export function scopeCovers(
  scope: { includedNamespaces: string[]; excludedNamespaces: string[] },
  namespace: string,
): boolean {
  if (
    scope.excludedNamespaces.includes(namespace) ||
    scope.excludedNamespaces.includes('*')
  ) {
    return false;
  }
  const included = scope.includedNamespaces;
  return (
    included.length === 0 ||
    included.includes('*') ||
    included.includes(namespace)
  );
}

const SUCCESS = new Set(['Completed', 'PartiallyFailed']);
const FAILURE = new Set(['Failed', 'PartiallyFailed', 'FailedValidation']);

const time = (s?: string) => (s ? Date.parse(s) : NaN);
const backupTime = (b: BackupRecord) =>
  time(b.completedAt) || time(b.startedAt) || 0;

/**
 * The backup state of an environment's namespaces. RPO comes from backups in phase
 * `Completed` (or `PartiallyFailed`, listed as failures too) that have not expired and cover
 * every namespace of the environment; never from `Schedule.status.lastBackup`.
 */
export function computeBackup(options: {
  data: VeleroClusterData;
  namespaces: string[];
  now: Date;
  rpoTargetSeconds?: number;
  maxFailures?: number;
}): EnvironmentBackup {
  const { data, namespaces, now } = options;
  const nowMs = now.getTime();
  const coversAll = (scope: {
    includedNamespaces: string[];
    excludedNamespaces: string[];
  }) => namespaces.length > 0 && namespaces.every(ns => scopeCovers(scope, ns));

  const relevant = data.backups
    .filter(coversAll)
    .sort((a, b) => backupTime(b) - backupTime(a));

  const successful = relevant.find(
    b =>
      SUCCESS.has(b.phase ?? '') &&
      b.completedAt &&
      !(time(b.expiresAt) <= nowMs),
  );

  const schedules = data.schedules.filter(s =>
    namespaces.some(ns => scopeCovers(s, ns)),
  );
  const activeSchedules = schedules.filter(s => !s.paused);
  const uncoveredNamespaces = namespaces.filter(
    ns => !activeSchedules.some(s => scopeCovers(s, ns)),
  );

  const lastSuccessfulAt = successful?.completedAt;
  const rpoSeconds = lastSuccessfulAt
    ? Math.max(0, Math.round((nowMs - Date.parse(lastSuccessfulAt)) / 1000))
    : undefined;

  return {
    lastSuccessfulAt,
    lastSuccessfulName: successful?.name,
    rpoSeconds,
    rpoTargetSeconds: options.rpoTargetSeconds,
    schedules: schedules.map((s: ScheduleRecord) => ({
      name: s.name,
      cron: s.cron,
      paused: s.paused,
      lastBackupAt: s.lastBackupAt,
    })),
    lastPhase: relevant[0]?.phase,
    failures: relevant
      .filter(b => FAILURE.has(b.phase ?? ''))
      .slice(0, options.maxFailures ?? 5)
      .map(b => ({
        name: b.name,
        phase: b.phase ?? 'Unknown',
        at: b.completedAt ?? b.startedAt,
        errors: b.errors,
        warnings: b.warnings,
      })),
    uncoveredNamespaces,
    unavailableLocations: data.locations
      .filter(l => l.phase === 'Unavailable')
      .map(l => l.name),
  };
}
