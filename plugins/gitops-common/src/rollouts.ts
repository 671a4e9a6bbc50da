import type { HealthStatus } from './overview';

/**
 * Progressive delivery (Argo Rollouts) as the service's page shows it: for each Rollout of an
 * application its strategy, the steps with the current one, the weight it set, whether it is
 * paused or aborted, and its analysis runs. Read from Argo CD (resource tree + live manifest),
 * never from the cluster directly.
 */

/** `canary` or `blueGreen`, as `spec.strategy` names them. @public */
export type RolloutStrategy = 'canary' | 'blueGreen';

/** One entry of `spec.strategy.canary.steps`. @public */
export type RolloutStep = {
  /** Which field the step sets, e.g. `setWeight`, `pause`, `analysis`, `experiment`. */
  type: string;
  /** What a person reads, e.g. `Set weight 20%`, `Pause 10m`, `Pause until promoted`, `Analysis schedule-bot-smoke`. */
  label: string;
  /** `setWeight`'s weight. */
  weight?: number;
  /** A pause's duration in seconds; absent for a pause that waits to be promoted. */
  pauseSeconds?: number;
};

/** Phase of an AnalysisRun (`status.phase`). @public */
export type AnalysisPhase =
  | 'Pending'
  | 'Running'
  | 'Successful'
  | 'Failed'
  | 'Error'
  | 'Inconclusive';

/** An AnalysisRun of a Rollout, newest first in `RolloutStatus.analysisRuns`. @public */
export type AnalysisRunSummary = {
  name: string;
  phase: AnalysisPhase;
  message?: string;
  startedAt?: string;
  /** Each metric's latest verdict, e.g. `{ name: 'smoke', phase: 'Failed', message: '…' }`. */
  metrics: Array<{ name: string; phase: string; message?: string }>;
};

/** What can be done to a Rollout from the page, by our name. @public */
export type RolloutActionName = 'promote' | 'abort';

/** One Rollout of an application. @public */
export type RolloutStatus = {
  namespace?: string;
  name: string;
  strategy: RolloutStrategy;
  /** Argo Rollouts' `status.phase`: Healthy, Progressing, Paused or Degraded. */
  phase?: string;
  /** `status.message`, e.g. `CanaryPauseStep` or why it aborted. */
  message?: string;
  /** Argo CD's health of the Rollout (Suspended while paused, Degraded when aborted). */
  health?: HealthStatus;
  healthMessage?: string;
  /** The canary steps; empty for blue-green. */
  steps: RolloutStep[];
  /** Index of the current step in `steps`; `steps.length` once fully promoted. */
  currentStepIndex?: number;
  /** The canary weight the steps set so far (0–100). */
  setWeight?: number;
  /** The weight traffic (or replicas) actually has. */
  actualWeight?: number;
  paused: boolean;
  /** Why it is paused, e.g. `CanaryPauseStep`, and since when. */
  pauseReason?: string;
  pausedSince?: string;
  aborted: boolean;
  /** Image of the stable and of the canary pods, when they differ the canary is in flight. */
  stableImage?: string;
  canaryImage?: string;
  analysisRuns: AnalysisRunSummary[];
  /** What the page may offer now: `promote` only while paused, `abort` while not completed. */
  actions: Array<{ name: RolloutActionName; disabled: boolean }>;
};

/** The Rollouts of one application. @public */
export type ApplicationRollouts = {
  instance: string;
  name: string;
  environment?: string;
  rollouts: RolloutStatus[];
  /** Why they could not be read (the source's error, safe to show). */
  error?: string;
};

/** `GET /api/gitops/entities/:kind/:namespace/:name/rollouts`: only applications with Rollouts. @public */
export type EntityRollouts = {
  entityRef: string;
  applications: ApplicationRollouts[];
};

/**
 * Answer of `POST …/applications/:instance/:app/rollouts/:namespace/:rollout/:action`
 * (action `promote` or `abort`): the Rollout as Argo CD left it.
 *
 * @public
 */
export type RolloutActionResponse = { rollout: RolloutStatus };
