import type {
  ApplicationOperation,
  HealthStatus,
  SyncStatus,
} from '@internal/backstage-plugin-gitops-common';

/** One history row of an application, as kept in the snapshot. */
export type AppHistoryRecord = {
  id: number;
  revision: string;
  deployedAt?: string;
  deployStartedAt?: string;
  initiatedBy?: string;
  images?: string[];
};

/**
 * An Argo CD application normalised to what the overview needs. JSON-serialisable, so it can
 * live in the shared cache.
 */
export type AppRecord = {
  instance: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  project?: string;
  labels: Record<string, string>;
  destination?: { server?: string; namespace?: string; name?: string };
  repoURL?: string;
  path?: string;
  autoSync: boolean;
  sync: SyncStatus;
  syncRevision?: string;
  health: HealthStatus;
  healthMessage?: string;
  images: string[];
  reconciledAt?: string;
  operation?: ApplicationOperation;
  history: AppHistoryRecord[];
};

/** What one Argo CD instance holds, as fetched by one list call. */
export type ArgoInstanceData = {
  applications: AppRecord[];
};
