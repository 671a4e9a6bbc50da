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

export type ScheduleRecord = {
  name: string;
  cron: string;
  paused: boolean;
  includedNamespaces: string[];
  excludedNamespaces: string[];
  lastBackupAt?: string;
};

export type LocationRecord = { name: string; phase?: string };

/** What one cluster's Velero holds, as fetched by one list per kind. */
export type VeleroClusterData = {
  backups: BackupRecord[];
  schedules: ScheduleRecord[];
  locations: LocationRecord[];
};

/** Velero objects of one cluster. */
export interface VeleroClient {
  readonly cluster: string;
  list(options?: { signal?: AbortSignal }): Promise<VeleroClusterData>;
  /**
   * Optional: calls `onChange` when any Velero object changes, until the signal aborts or the
   * watch ends (resolves) or fails (rejects).
   */
  watch?(onChange: () => void, signal: AbortSignal): Promise<void>;
}
