/**
 * Types of the gitops-backend HTTP API, shared by the backend (which produces them) and the
 * frontend (which renders them). Times are ISO-8601 strings; money is in `currency`.
 */

/** Argo CD sync status. @public */
export type SyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';

/** Argo CD health status. @public */
export type HealthStatus =
  | 'Healthy'
  | 'Progressing'
  | 'Degraded'
  | 'Suspended'
  | 'Missing'
  | 'Unknown';

/** Phase of an Argo CD operation (sync or rollback). @public */
export type OperationPhase =
  | 'Running'
  | 'Terminating'
  | 'Succeeded'
  | 'Failed'
  | 'Error';

/**
 * The role of the upstream a piece of the overview came from: a deployment engine (Argo CD,
 * or another a backend module adds), a cost engine, a backup tool, the gitops repository.
 * Which one is its `provider`.
 *
 * @public
 */
export type SourceKind = 'deployment' | 'cost' | 'backup' | 'git';

/**
 * How one upstream source fared for this answer. A failing source never fails the whole
 * response: its part is empty and `error` says why (never containing a secret).
 *
 * @public
 */
export type SourceStatus = {
  kind: SourceKind;
  /** The engine or tool, e.g. `argocd`, `kubecost`, `opencost`, `velero`. */
  provider: string;
  /** Argo CD instance or cluster name. */
  name: string;
  status: 'ok' | 'error' | 'stale';
  /** When the data served was fetched from the upstream. */
  fetchedAt?: string;
  error?: string;
};

/**
 * One task of a sync as Argo CD ran it (`operationState.syncResult.resources`), in its order:
 * phase first (PreSync, Sync, PostSync; SyncFail when it failed), then wave.
 *
 * @public
 */
export type SyncTask = {
  kind: string;
  group?: string;
  namespace?: string;
  name: string;
  /** `PreSync`, `Sync`, `PostSync` or `SyncFail`. */
  syncPhase?: string;
  /** The hook's type (e.g. `PreSync`); absent for an ordinary resource. */
  hookType?: string;
  /** `Running`, `Succeeded`, `Failed`, `Error` or `Terminating`. */
  hookPhase?: string;
  /** `Synced`, `SyncFailed`, `Pruned` or `PruneSkipped`. */
  status?: string;
  message?: string;
};

/** A running or finished Argo CD operation. @public */
export type ApplicationOperation = {
  phase: OperationPhase;
  /** `sync` or `rollback`. */
  kind: 'sync' | 'rollback';
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Revision being synced to. */
  revision?: string;
  initiatedBy?: string;
  /** The tasks the sync ran so far (kept for the applications the pages show). */
  tasks?: SyncTask[];
  /** Retries: how many were made, of at most `limit` (`syncPolicy.retry.limit`). */
  retry?: { count: number; limit?: number };
};

/** One Argo CD application as the portal shows it. @public */
export type ApplicationSummary = {
  /** Configured Argo CD instance name. */
  instance: string;
  name: string;
  namespace?: string;
  project?: string;
  environment: string;
  sync: SyncStatus;
  health: HealthStatus;
  healthMessage?: string;
  /** Git revision (commit SHA) deployed. */
  revision?: string;
  /** Container images running, e.g. `registry.example.com/payments-api:1.4.0`. */
  images: string[];
  /** When the last sync finished. */
  lastSyncedAt?: string;
  operation?: ApplicationOperation;
  /** Whether Argo CD syncs it by itself (automated sync policy). */
  autoSync: boolean;
  destination?: { server?: string; namespace?: string; name?: string };
  /** Deep link to the app in its Argo CD UI. */
  url?: string;
  /** Link to the deployed revision in the gitops repository, when known. */
  revisionUrl?: string;
};

/** The version an environment runs (from the image tag of its applications). @public */
export type EnvironmentVersion = {
  /** Image tag, e.g. `1.4.0`; undefined when apps of the environment disagree or none runs. */
  version?: string;
  revision?: string;
  deployedAt?: string;
  deployedBy?: string;
};

/** Cost of an environment over a window (totals; the daily trend is `GET .../cost-trend`). @public */
export type EnvironmentCost = {
  window: string;
  currency: string;
  total: number;
  cpu: number;
  ram: number;
  pv: number;
  network: number;
  /** 0..1, the share of requested resources actually used. */
  efficiency?: number;
};

/** One day of an environment's cost. @public */
export type CostTrendPoint = { date: string; total: number };

/**
 * `GET .../cost-trend?window=30d`: the daily cost of each environment of the entity, asked of the
 * cost engine for this entity only when a card wants it, and cached.
 *
 * @public
 */
export type EntityCostTrend = {
  entityRef: string;
  window: string;
  environments: Array<{
    name: string;
    currency: string;
    /** One point per day of the window, oldest first. */
    daily: CostTrendPoint[];
  }>;
  sources: SourceStatus[];
};

/** Velero backup state of an environment's namespaces. @public */
export type EnvironmentBackup = {
  /** When the last `Completed` (or `PartiallyFailed`) backup covering the namespaces finished. */
  lastSuccessfulAt?: string;
  lastSuccessfulName?: string;
  /** Seconds since the last successful backup, at `asOf` of the overview. */
  rpoSeconds?: number;
  /** The target RPO from config, in seconds. */
  rpoTargetSeconds?: number;
  schedules: Array<{
    name: string;
    cron: string;
    paused: boolean;
    lastBackupAt?: string;
  }>;
  /** Phase of the most recent backup covering the namespaces. */
  lastPhase?: string;
  /** Recent failures and partial failures, newest first. */
  failures: Array<{
    name: string;
    phase: string;
    at?: string;
    errors: number;
    warnings: number;
  }>;
  /** Namespaces of the environment that no schedule covers. */
  uncoveredNamespaces: string[];
  /** Backup storage locations that are `Unavailable`. */
  unavailableLocations: string[];
};

/** Everything the portal knows about one environment of an entity. @public */
export type EnvironmentOverview = {
  name: string;
  applications: ApplicationSummary[];
  version: EnvironmentVersion;
  /** Undefined when no cost source answered for this environment. */
  cost?: EnvironmentCost;
  /** Undefined when no Velero source covers this environment. */
  backup?: EnvironmentBackup;
};

/**
 * What the signed-in user may do on an entity, as the permission policy decides it. It comes with
 * the overview, so a page needs no permission request of its own.
 *
 * @public
 */
export type EntityPermissions = {
  /** `gitops.application.sync` */
  sync: boolean;
  /** `gitops.application.prune` (a sync that deletes what git no longer holds) */
  prune: boolean;
  /** `gitops.application.refresh` */
  refresh: boolean;
  /** `gitops.application.rollback` */
  rollback: boolean;
  /** `gitops.promotion.create` (also closing and rolling back promotions) */
  promote: boolean;
  /** `gitops.promotion.approve` */
  approve: boolean;
  /** `gitops.rollout.promote` (a paused canary to its next step) */
  promoteRollout: boolean;
  /** `gitops.rollout.abort` */
  abortRollout: boolean;
};

/** `GET /api/gitops/entities/:kind/:namespace/:name/overview`. @public */
export type EntityOverview = {
  entityRef: string;
  /** When the backend last saw this entity's view change. */
  asOf: string;
  /** Ordered by the configured promotion order. */
  environments: EnvironmentOverview[];
  sources: SourceStatus[];
  /** What the signed-in user may do here. */
  permissions: EntityPermissions;
  /** Whether this portal promotes through a gitops repository (`gitops.repository`). */
  promotionsConfigured: boolean;
};

/** One deployment from an application's Argo CD history. @public */
export type DeploymentHistoryEntry = {
  instance: string;
  application: string;
  environment: string;
  /** Argo CD history id, what a rollback takes. */
  id: number;
  revision: string;
  images: string[];
  deployedAt?: string;
  deployStartedAt?: string;
  initiatedBy?: string;
  author?: string;
  message?: string;
  /**
   * `false` for a deployment only the deployment record still holds (older than the engine's
   * own history, or of an application since deleted and created again): it can't be rolled
   * back to.
   */
  rollbackable?: boolean;
};

/** `GET .../history`. @public */
export type EntityHistory = {
  entityRef: string;
  entries: DeploymentHistoryEntry[];
  sources: SourceStatus[];
};

/** One Kubernetes resource managed by an application. @public */
export type ResourceNode = {
  group?: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
  sync?: SyncStatus;
  health?: HealthStatus;
  healthMessage?: string;
  /** uid of the parent in the tree, for nesting (e.g. ReplicaSet → Deployment). */
  parentUids?: string[];
  uid?: string;
};

/** `GET .../resources`. @public */
export type EntityResources = {
  entityRef: string;
  applications: Array<{
    instance: string;
    name: string;
    environment: string;
    resources: ResourceNode[];
  }>;
  sources: SourceStatus[];
};

/** Body of `POST .../applications/:instance/:app/rollback`. @public */
export type RollbackRequest = { id: number };

/** Answer of sync, refresh and rollback. @public */
export type ApplicationActionResponse = {
  application: ApplicationSummary;
};

/** Payload of the Signals message on an entity's channel. @public */
export type GitopsEntitySignal = {
  type: 'overview-changed';
  entityRef: string;
};

/**
 * The Signals channel of an entity: one channel per entity, e.g.
 * `gitops:component:default/payments-api`.
 *
 * @public
 */
export function gitopsEntityChannel(entityRef: string): string {
  return `gitops:${entityRef.toLocaleLowerCase('en-US')}`;
}

/**
 * A Kubernetes Event about an application or one of its resources, as Argo CD serves them
 * (`GET /api/v1/applications/{name}/events`).
 *
 * @public
 */
export type AppEvent = {
  /** `Normal` or `Warning`. */
  type: string;
  reason?: string;
  message: string;
  /** How many times it happened (Kubernetes folds repeats into one event). */
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  /** What it is about, e.g. `Application/payments-api-prod` or `Pod/payments-api-7d9f…`. */
  object?: string;
};

/** A resource of an application that is not healthy, with what its health check says. @public */
export type UnhealthyResource = {
  kind: string;
  namespace?: string;
  name: string;
  health: HealthStatus;
  message?: string;
};

/**
 * Why an entity's applications are in their state: their unhealthy resources with their health
 * messages, and the events of the application and of those resources, newest first.
 *
 * @public
 */
export type EntityEvents = {
  entityRef: string;
  applications: Array<{
    instance: string;
    name: string;
    environment: string;
    /** Resources whose health is not Healthy (Degraded first), from the resource tree. */
    unhealthy?: UnhealthyResource[];
    events: AppEvent[];
    /** Why the events could not be read (the source's error, safe to show). */
    error?: string;
  }>;
};
