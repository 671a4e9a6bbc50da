import type { Entity } from '@backstage/catalog-model';
import type {
  HealthStatus,
  SyncStatus,
} from '@internal/backstage-plugin-gitops-common';

/** Where a promotion is in its life. */
export type PromotionState =
  | 'previewed'
  | 'awaiting-approval'
  | 'committed'
  | 'pr-open'
  | 'merged'
  | 'synced'
  | 'failed'
  | 'rolled-back';

export const PROMOTION_STATES: readonly PromotionState[] = [
  'previewed',
  'awaiting-approval',
  'committed',
  'pr-open',
  'merged',
  'synced',
  'failed',
  'rolled-back',
];

/** A direct commit on the branch, or a branch + pull request. */
export type PromotionMode = 'commit' | 'pull-request';

/** A promotion moves a version forward; a rollback pins the version an earlier one replaced. */
export type PromotionKind = 'promotion' | 'rollback';

/** A signed-in user: their entity ref and the refs they own through (user + groups). */
export type Actor = {
  userEntityRef: string;
  /** `userInfo.ownershipEntityRefs`; defaults to `[userEntityRef]`. */
  ownershipEntityRefs?: string[];
};

/** What the portal knows about one Argo CD application of an environment. */
export type AppState = {
  name: string;
  sync: SyncStatus;
  health: HealthStatus;
  /** Images running, e.g. `registry.example.com/payments-api:1.4.0`. */
  images: string[];
};

/** Returns the app states of one environment of an entity (wired to the snapshot). */
export type AppStatesProvider = (query: {
  entity: Entity;
  entityRef: string;
  env: string;
}) => Promise<AppState[] | undefined>;

export type GateName = 'source-healthy' | 'smoke' | 'approval';

export type GateResult = {
  gate: GateName;
  /** `pending`: waits for a person (approval); `skipped`: not configured for this environment. */
  status: 'passed' | 'failed' | 'pending' | 'skipped';
  message: string;
};

/** One file a promotion changes, with its unified diff. */
export type FileChange = {
  path: string;
  /** Unified diff (`--- a/path`, `+++ b/path`, hunks). */
  diff: string;
};

/** A promotion as stored and as the API returns it. */
export type PromotionRecord = {
  id: string;
  kind: PromotionKind;
  entityRef: string;
  fromEnv: string;
  toEnv: string;
  version: string;
  previousVersion?: string;
  requester: string;
  approver?: string;
  state: PromotionState;
  mode: PromotionMode;
  commitSha?: string;
  baseSha?: string;
  prUrl?: string;
  branch?: string;
  gateResults: GateResult[];
  /** Files changed, for the history view. */
  files: string[];
  /** For a rollback: the promotion it undoes. */
  rollbackOf?: string;
  error?: string;
  createdAt: string;
  updatedAt: string;
};
