import type { SyncStatus } from './overview';

/**
 * What a sync does to one managed resource: creates it (not live yet), updates it (live differs
 * from git), or prunes it (live, no longer in git: deleted only by a sync with `prune`).
 *
 * @public
 */
export type ResourceChangeAction = 'create' | 'update' | 'prune';

/**
 * One resource of an application whose live state differs from its desired state, as Argo CD's
 * "Compact diff" reads: both sides normalized (`ignoreDifferences` applied, managed fields,
 * status and server-set metadata left out, Secret values masked).
 *
 * @public
 */
export type ResourceDiff = {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
  /** A hook (PreSync, Sync, PostSync, ...) rather than an ordinary resource. */
  hook?: boolean;
  action: ResourceChangeAction;
  /** The notable changes, one per line, e.g. `image 1.3.0 → 1.3.1`, `spec.replicas 2 → 3`. */
  summary: string[];
  /**
   * Unified diff of the YAML, live (`-`) to desired (`+`), only the changed hunks with three
   * lines of context each; hunk headers are `@@ … @@` lines.
   */
  diff: string;
};

/** The differing resources of one application. @public */
export type ApplicationDiff = {
  instance: string;
  name: string;
  environment?: string;
  /** The application's sync status when its resources were read. */
  sync?: SyncStatus;
  /** Only the resources that differ; empty when live matches git. */
  resources: ResourceDiff[];
  /** Set when its source could not be asked (the other applications still answer). */
  error?: string;
};

/** `GET /api/gitops/entities/:kind/:namespace/:name/diff?application=<instance>/<name>`. @public */
export type EntityDiffs = {
  entityRef: string;
  applications: ApplicationDiff[];
};

/**
 * The options of a sync a person asks for (the body of `POST …/applications/:instance/:app/sync`).
 * `prune` also needs `gitops.application.prune`; a `dryRun` changes nothing live.
 *
 * @public
 */
export type SyncOptions = {
  prune?: boolean;
  dryRun?: boolean;
};
