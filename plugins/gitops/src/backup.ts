import type { EnvironmentBackup } from '@internal/backstage-plugin-gitops-common';

/**
 * The age of the last successful backup at `now` (ms): from `lastSuccessfulAt` when the backend
 * sent it, since its `rpoSeconds` is as of the view's `asOf` and a view is not recomputed as time
 * passes; else `rpoSeconds`. Undefined when there was no successful backup.
 */
export function backupAgeSeconds(
  backup: EnvironmentBackup,
  now: number,
): number | undefined {
  const at = backup.lastSuccessfulAt
    ? Date.parse(backup.lastSuccessfulAt)
    : NaN;
  if (Number.isFinite(at)) return Math.max(0, (now - at) / 1000);
  return backup.rpoSeconds;
}

/** Whether the backup is older than its target (false without a target or a backup). */
export function isRpoExceeded(
  backup: EnvironmentBackup,
  ageSeconds: number | undefined,
): boolean {
  return (
    ageSeconds !== undefined &&
    backup.rpoTargetSeconds !== undefined &&
    ageSeconds > backup.rpoTargetSeconds
  );
}
