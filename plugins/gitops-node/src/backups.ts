import type { SourceState } from './deployments';

/** A backup object of the cluster (Velero `Backup`). @public */
export type BackupRecord = {
  name: string;
  phase?: string;
  scheduleName?: string;
  includedNamespaces: string[];
  excludedNamespaces: string[];
  storageLocation?: string;
  startedAt?: string;
  completedAt?: string;
  expiresAt?: string;
  errors: number;
  warnings: number;
};

/** A backup schedule (Velero `Schedule`). @public */
export type ScheduleRecord = {
  name: string;
  cron: string;
  paused: boolean;
  includedNamespaces: string[];
  excludedNamespaces: string[];
  lastBackupAt?: string;
};

/** Where backups are stored (Velero `BackupStorageLocation`). @public */
export type LocationRecord = { name: string; phase?: string };

/** Everything a backup source knows of its cluster. @public */
export type BackupClusterData = {
  backups: BackupRecord[];
  schedules: ScheduleRecord[];
  locations: LocationRecord[];
};

/** Where a backup source puts what it sees: the whole cluster's state after each change. @public */
export interface BackupSink {
  set(data: BackupClusterData): void;
  setStatus(status: SourceState): void;
}

/**
 * The backups of one cluster: Velero (built in, through the Kubernetes API) or another tool a
 * backend module adds. `run` feeds the sink as an informer does, until the signal aborts.
 *
 * @public
 */
export interface BackupSource {
  /** The tool, e.g. `velero`. */
  readonly provider: string;
  /** The cluster: its name among cost and backup sources. */
  readonly cluster: string;
  readonly secrets?: string[];
  run(sink: BackupSink, signal: AbortSignal): Promise<void>;
}
