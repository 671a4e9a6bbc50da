/**
 * Types of the promotion routes of the gitops-backend HTTP API: a version moves from one
 * environment to the next by a git change on the gitops repository (preview, create, approve,
 * close, rollback, history). Times are ISO-8601 strings.
 */

import type { SourceStatus } from './overview';

/** Where a promotion is in its life. @public */
export type PromotionState =
  | 'previewed'
  | 'awaiting-approval'
  | 'committed'
  | 'pr-open'
  | 'merged'
  | 'synced'
  | 'failed'
  | 'rolled-back';

/** Every promotion state, in life order. @public */
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

/** A direct commit on the branch, or a branch + pull request merged on approval. @public */
export type PromotionMode = 'commit' | 'pull-request';

/** A promotion moves a version forward; a rollback pins the version an earlier one replaced. @public */
export type PromotionKind = 'promotion' | 'rollback';

/** The checks a promotion passes before it lands. @public */
export type GateName = 'source-healthy' | 'smoke' | 'approval';

/** The outcome of one gate. @public */
export type GateResult = {
  gate: GateName;
  /** `pending`: waits for a person (approval); `skipped`: not configured for this environment. */
  status: 'passed' | 'failed' | 'pending' | 'skipped';
  message: string;
};

/** One file a promotion changes, with its unified diff. @public */
export type FileChange = {
  path: string;
  /** Unified diff (`--- a/path`, `+++ b/path`, hunks), as `git diff` prints it. */
  diff: string;
};

/** A promotion waiting (in a pull request) that blocks another one to the same environment. @public */
export type WaitingPromotion = {
  id: string;
  version: string;
  state: PromotionState;
  requester: string;
};

/**
 * What a promotion would do, before it does it:
 * `POST /api/gitops/entities/:kind/:namespace/:name/promotions/preview`.
 *
 * @public
 */
export type PromotionPreview = {
  /** Id of the stored preview; pass it as `previewId` to promote exactly this. */
  id: string;
  entityRef: string;
  from: string;
  to: string;
  version: string;
  /** The version `to` is at now (undefined when none is recorded). */
  previousVersion?: string;
  mode: PromotionMode;
  /** The branch a pull request would use (pull-request mode). */
  branch?: string;
  /** The commit of the branch tip the diff was computed on. */
  baseSha: string;
  files: FileChange[];
  gates: GateResult[];
  approvalRequired: boolean;
  /** A promotion to the same environment waiting in a pull request (`create` would refuse). */
  waiting?: WaitingPromotion;
  /** True when a gate failed or a promotion is waiting: `create` would refuse. */
  blocked: boolean;
};

/**
 * A promotion or rollback as the API returns it (create, approve, close, rollback, list).
 *
 * @public
 */
export type PromotionRecord = {
  id: string;
  kind: PromotionKind;
  entityRef: string;
  /** Source environment (for a rollback: the environment rolled back). */
  from: string;
  /** Target environment. */
  to: string;
  version: string;
  /** The version `version` replaces in `to`. */
  previousVersion?: string;
  /** User entity ref of who asked for it. */
  requester: string;
  /** User entity ref of who approved (merged) it. */
  approver?: string;
  state: PromotionState;
  mode: PromotionMode;
  /** The commit that landed (commit mode, merge) or the branch commit (pull request). */
  commitSha?: string;
  prUrl?: string;
  branch?: string;
  gateResults: GateResult[];
  /** Paths of the files changed. */
  files: string[];
  /** For a rollback: the id of the promotion it undoes. */
  rollbackOf?: string;
  /** Why it failed (or was closed). */
  error?: string;
  createdAt: string;
  updatedAt: string;
};

/** Body of `POST .../promotions/preview`. @public */
export type PromotionPreviewRequest = {
  from: string;
  to: string;
  /** Default: the version `from` is at. */
  version?: string;
};

/** Body of `POST .../promotions`. @public */
export type PromotionRequest = PromotionPreviewRequest & {
  /** A preview (its id) to promote exactly: its version, and only while `to` is still where it was. */
  previewId?: string;
};

/** `GET .../promotions`: newest first, previews left out. @public */
export type PromotionListResponse = {
  /** False when the portal has no gitops repository: promotions are not configured (not an error). */
  configured: boolean;
  items: PromotionRecord[];
};

/**
 * `GET .../version-cost?environment=staging&version=1.4.0`: what the environment costs per day
 * at a version compared with the version it ran before, from the cost engine's daily allocation
 * and the deployment record (the Promote dialog shows it for the source environment).
 *
 * @public
 */
export type VersionCost = {
  entityRef: string;
  environment: string;
  version: string;
  /**
   * `ok`: both figures are known; `not-enough-data`: the version (or the one before) ran less
   * than a full day in the cost window; `no-cost`: no cost engine answered for the environment.
   */
  state: 'ok' | 'not-enough-data' | 'no-cost';
  /** Why, when not `ok`. */
  reason?: string;
  currency?: string;
  /** When the environment started running the version. */
  since?: string;
  /** Mean daily cost over the full days the version ran. */
  perDay?: number;
  days?: number;
  previousVersion?: string;
  previousPerDay?: number;
  previousDays?: number;
  /** `perDay / previousPerDay - 1` (0.12 is +12 % per day). */
  change?: number;
  sources: SourceStatus[];
};
