import { unitHash } from '../util/random';

const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const TTL_MS = 720 * 3_600_000;
const BACKUP_MS = 3 * 60_000;

/** `<schedule>-<YYYYMMDDhhmmss>`, the name Velero gives scheduled backups. */
export const backupName = (schedule: string, t: number) =>
  `${schedule}-${iso(t).replace(/[-:TZ]/g, '')}`;

/**
 * A Backup as Velero writes it, in a given phase; sizes, durations and warnings are seeded by
 * its name so every run of the simulator shows the same history.
 */
export function backupObject(
  seed: number,
  schedule: string | undefined,
  template: any,
  start: number,
  phase: string,
) {
  const name = schedule
    ? backupName(schedule, start)
    : `backup-${iso(start).replace(/[-:TZ]/g, '')}`;
  const items = 40 + Math.floor(unitHash(seed, name) * 80);
  const done =
    start + BACKUP_MS + Math.floor(unitHash(seed, name, 'd') * 120_000);
  const status: any = {
    version: 1,
    formatVersion: '1.1.0',
    phase,
    expiration: iso(start + TTL_MS),
    startTimestamp: iso(start),
  };
  if (
    phase === 'Completed' ||
    phase === 'PartiallyFailed' ||
    phase === 'Failed'
  ) {
    status.completionTimestamp = iso(done);
    status.progress = {
      totalItems: items,
      itemsBackedUp: phase === 'Completed' ? items : Math.floor(items * 0.8),
    };
  }
  if (phase === 'PartiallyFailed') {
    status.errors = 2;
    status.warnings = 3;
  }
  if (phase === 'Failed') {
    status.errors = 1;
    status.failureReason =
      'error checking if backup already exists in object storage: rpc error: code = Unknown desc = RequestTimeout';
  }
  if (phase === 'Completed' && unitHash(seed, name, 'w') < 0.3)
    status.warnings = 1;
  return {
    metadata: {
      name,
      creationTimestamp: iso(start),
      labels: {
        ...(schedule ? { 'velero.io/schedule-name': schedule } : {}),
        'velero.io/storage-location': template.storageLocation ?? 'default',
      },
      annotations: {
        'velero.io/source-cluster-k8s-gitversion': 'v1.30.4',
        'velero.io/source-cluster-k8s-major-version': '1',
        'velero.io/source-cluster-k8s-minor-version': '30',
      },
    },
    spec: {
      ...template,
      csiSnapshotTimeout: '10m0s',
      itemOperationTimeout: '4h0m0s',
      hooks: {},
      metadata: {},
    },
    status,
  };
}
