import type {
  AppEvent,
  SyncOptions,
  ApplicationOperation,
  HealthStatus,
  ResourceNode,
  SyncStatus,
} from '@internal/backstage-plugin-gitops-common';

/** One deployment of an application's history, oldest first in `DeploymentApp.history`. @public */
export type DeploymentHistoryRecord = {
  /** The engine's id of the deployment (Argo CD: what a rollback takes). */
  id: number;
  revision: string;
  deployedAt?: string;
  deployStartedAt?: string;
  initiatedBy?: string;
  images?: string[];
};

/**
 * One application of a deployment engine, normalised to what the portal shows. Engines other
 * than Argo CD map their own objects (a Flux Kustomization, say) onto it.
 *
 * @public
 */
export type DeploymentApp = {
  /** Name of the source it came from (an Argo CD instance). */
  instance: string;
  name: string;
  /** Namespace of the application object itself (Argo CD's `appNamespace`). */
  namespace?: string;
  project?: string;
  labels: Record<string, string>;
  destination?: { server?: string; namespace?: string; name?: string };
  repoURL?: string;
  path?: string;
  autoSync: boolean;
  sync: SyncStatus;
  /** The revision the engine compares against (what git says). */
  syncRevision?: string;
  health: HealthStatus;
  healthMessage?: string;
  images: string[];
  operation?: ApplicationOperation;
  /**
   * The deployment history, oldest first. `undefined` marks a summary record (a projected list
   * carries no history, nor who started an operation, its message or revision): the portal
   * asks `getApp` for the applications it shows, and keeps what it knew while a summary says
   * nothing changed.
   */
  history?: DeploymentHistoryRecord[];
  /** The object's version, when the engine tells: orders events (a lower one is older). */
  resourceVersion?: string;
};

/** How a source's feed stands. @public */
export type SourceState = {
  /** `ok`: live; `stale`: data kept but possibly behind; `error`: no data. */
  state: 'ok' | 'stale' | 'error';
  /** Why not `ok`, safe to show (never a secret). */
  error?: string;
};

/**
 * Where a deployment source puts what it sees. A source calls `replaceAll` with a complete list
 * (the first one, and every resync), then `upsert` / `remove` for each change.
 *
 * @public
 */
export interface DeploymentSink {
  /** The complete set of the source's applications: any other is gone. */
  replaceAll(apps: Iterable<DeploymentApp>): Promise<void>;
  /**
   * The same as `replaceAll`, fed one application at a time as a list is read, so that a
   * source need not hold the whole list: `add` each, then `finish` (the others are gone). A
   * list that fails half-way is just not finished: what was added stays, nothing is removed.
   */
  beginList(): DeploymentListSink;
  /** An application was added or changed (ignored when older than what the sink has). */
  upsert(app: DeploymentApp): void;
  /** An application was deleted. */
  remove(
    app: Pick<DeploymentApp, 'name' | 'namespace' | 'resourceVersion'>,
  ): void;
  setStatus(status: SourceState): void;
}

/** A complete list being read (see `DeploymentSink.beginList`). @public */
export interface DeploymentListSink {
  add(app: DeploymentApp): void;
  finish(): Promise<void>;
}

/** Which application an action or a lookup is about. @public */
export type DeploymentAppRef = { name: string; namespace?: string };

/** Commit metadata of a revision (immutable per revision). @public */
export type RevisionMetadata = {
  author?: string;
  message?: string;
  date?: string;
};

/**
 * One resource an application manages, with its desired state (from git, as the engine renders
 * it) and its live state; `null` for a side that does not exist (not created yet, or no longer
 * in git). Engines hand over their normalized states when they have them (Argo CD's
 * `normalizedLiveState` / `predictedLiveState`, `ignoreDifferences` applied); the portal strips
 * status, managed fields and server-set metadata itself and masks Secret values.
 *
 * @public
 */
export type ManagedResource = {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
  hook?: boolean;
  desired: Record<string, unknown> | null;
  live: Record<string, unknown> | null;
};

/**
 * One Kubernetes object of an application, as its resource tree names it. Objects like Argo
 * Rollouts are the same whatever engine applies them, so the portal reads them through this and
 * interprets them itself.
 *
 * @public
 */
export type DeploymentResourceRef = {
  group?: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
};

/**
 * A deployment engine instance the portal reads: Argo CD (built in), or another engine a
 * backend module adds (`provider: 'flux'`, ...). `run` feeds the portal's store as an informer
 * does: a list, then changes; everything else is optional and asked only when a person needs it.
 *
 * @public
 */
export interface DeploymentSource {
  /** The engine, e.g. `argocd`. */
  readonly provider: string;
  /** Unique name of this instance among all deployment sources. */
  readonly name: string;
  /** Base URL of the engine's UI for deep links, when it has one. */
  readonly webUrl?: string;
  /** Known secrets of the source, stripped from any error text the portal shows. */
  readonly secrets?: string[];
  /**
   * Feeds the sink until the signal aborts: never resolves before that, and never throws for
   * upstream failures (it reports them with `setStatus` and retries).
   */
  run(sink: DeploymentSink, signal: AbortSignal): Promise<void>;
  /** The application with its history (when the feed's applications come without). */
  getApp?(ref: DeploymentAppRef, signal?: AbortSignal): Promise<DeploymentApp>;
  /** The application's resources, for the resource tree. */
  getResources?(
    ref: DeploymentAppRef,
    signal?: AbortSignal,
  ): Promise<ResourceNode[]>;
  getRevisionMetadata?(
    ref: DeploymentAppRef,
    revision: string,
    signal?: AbortSignal,
  ): Promise<RevisionMetadata>;
  /**
   * The application's own events, or with `resource` those of one of its resources (as the
   * resource tree names it), in any order.
   */
  getEvents?(
    ref: DeploymentAppRef,
    options?: {
      resource?: { name: string; namespace?: string; uid?: string };
      signal?: AbortSignal;
    },
  ): Promise<AppEvent[]>;
  /** The application's resources with their desired and live states, for the diff. */
  getManagedResources?(
    ref: DeploymentAppRef,
    signal?: AbortSignal,
  ): Promise<ManagedResource[]>;
  /**
   * One of the application's objects as it is in the cluster (its live manifest). Rejects when
   * the engine answers something that is not a Kubernetes object.
   */
  getLiveResource?(
    ref: DeploymentAppRef,
    resource: DeploymentResourceRef,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>>;
  /**
   * Runs one of the engine's actions on one of the application's objects (Argo CD's resource
   * actions: `resume`, `abort` of a Rollout). Rejects with the engine's reason when it refuses.
   */
  runResourceAction?(
    ref: DeploymentAppRef,
    resource: DeploymentResourceRef,
    action: string,
  ): Promise<void>;
  /** Person-triggered actions; each answers the application as it is after the action. */
  sync?(ref: DeploymentAppRef, options?: SyncOptions): Promise<DeploymentApp>;
  refresh?(ref: DeploymentAppRef): Promise<DeploymentApp>;
  rollback?(ref: DeploymentAppRef, id: number): Promise<DeploymentApp>;
}
