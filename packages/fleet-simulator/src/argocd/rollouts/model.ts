import { SimApp, namespaceOf, uid } from '../app';

/**
 * The Argo Rollouts controller's view of one Rollout (basic canary, no traffic routing): which
 * pod templates run, where the canary is in its steps, its pauses, analysis runs and events.
 */
export interface AnalysisRunState {
  name: string;
  stepIndex: number;
  podHash: string;
  revision: number;
  metric: string;
  templateName: string;
  phase: 'Running' | 'Successful' | 'Failed';
  startedAt: string;
  finishedAt?: string;
  message?: string;
}

export interface RolloutEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  at: number;
}

export interface RolloutState {
  steps: any[];
  /** spec.replicas */
  replicas: number;
  generation: number;
  stable: { image: string; hash: string; revision: number };
  /** The current pod template (status.currentPodHash); equal to stable when fully promoted. */
  current: { image: string; hash: string; revision: number; createdAt: string };
  stepIndex: number;
  pauseConditions: Array<{ reason: string; startTime: string }>;
  controllerPause: boolean;
  abort: boolean;
  abortedAt?: string;
  /** Why the controller aborted (an analysis's message); none for a person's abort. */
  abortMessage?: string;
  promoteFull: boolean;
  /** Pods of the canary and stable ReplicaSets as scaled now. */
  canaryPods: number;
  stablePods: number;
  /** When the canary's pods are all ready; undefined while they never will be (a bad image). */
  readyAt?: number;
  /** When the controller last made progress (for progressDeadlineSeconds). */
  progressAt: number;
  /** When the controller last reconciled it (its status describes that moment). */
  observedAt: number;
  deadlineExceeded: boolean;
  /** A test's control: the next analysis of this Rollout fails. */
  failNextAnalysis?: boolean;
  analysisRuns: AnalysisRunState[];
  events: RolloutEvent[];
  /** The pending clock task of the controller. */
  cancel?: () => void;
}

/** Argo Rollouts' default `maxSurge` (25 %, rounded up) of a canary. */
export const maxSurge = (replicas: number) => Math.ceil(replicas * 0.25);

/**
 * Canary and stable pod counts a basic canary approximates a weight with
 * (replicaset.approximateWeightedCanaryStableReplicaCounts): the closest of rounding down or up,
 * over spec.replicas or one surge pod more; a weight of 1–99 never rounds the canary to zero.
 */
export function weightedCounts(replicas: number, weight: number) {
  if (replicas === 0) return { canary: 0, stable: 0 };
  const exact = (replicas * weight) / 100;
  const ceil = Math.ceil(exact);
  const floor = Math.floor(exact);
  const surge = maxSurge(replicas);
  const tied = (total: number) => ((total * weight) / 100) % 1 === 0.5;
  const zeroAllowed =
    weight === 100 || weight === 0 || (replicas === 1 && surge === 0);
  const options: Array<[number, number]> = [];
  if (ceil < replicas || zeroAllowed) options.push([ceil, replicas]);
  if (!tied(replicas) && (floor !== 0 || zeroAllowed))
    options.push([floor, replicas]);
  if (surge > 0) {
    options.push([ceil, replicas + 1]);
    if (!tied(replicas + 1) && (floor !== 0 || zeroAllowed))
      options.push([floor, replicas + 1]);
  }
  if (!options.length) return { canary: 0, stable: replicas };
  const delta = ([c, t]: [number, number]) => Math.abs((c * 100) / t - weight);
  let best = options[0];
  for (const o of options.slice(1)) if (delta(o) < delta(best)) best = o;
  return { canary: best[0], stable: best[1] - best[0] };
}

/** The weight the canary steps ask for at an index: the last setWeight up to it, 100 past the end. */
export function setWeightAt(steps: any[], index: number): number {
  if (index >= steps.length) return 100;
  for (let i = index; i >= 0; i--)
    if (typeof steps[i]?.setWeight === 'number') return steps[i].setWeight;
  return 0;
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes' pod-template-hash: FNV-32a of the template, its decimal digits safe-encoded. */
export function podTemplateHash(template: unknown): string {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(JSON.stringify(template))) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)].map(c => SAFE[c.charCodeAt(0) % SAFE.length]).join('');
}

/** Go's duration strings a pause takes (`10m`, `30s`, `1h`, or a number of seconds). */
export function durationMs(d: unknown): number | undefined {
  if (typeof d === 'number') return d * 1000;
  if (typeof d !== 'string') return undefined;
  const m = /^(\d+)(s|m|h)?$/.exec(d.trim());
  if (!m) return undefined;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3600_000 }[m[2] ?? 's']!;
}

export const fullyPromoted = (r: RolloutState) =>
  r.current.hash === r.stable.hash;

/** Whether the canary's pods were ready when the controller last reconciled (what its status says). */
export const observedReady = (r: RolloutState) =>
  r.readyAt !== undefined && r.readyAt <= r.observedAt;

/**
 * A Rollout's ReplicaSets: the current pod template's, and the stable one while a canary is in
 * flight (stable pods are always ready).
 */
export function replicaSetsOf(r: RolloutState) {
  const current = { ...r.current, pods: r.canaryPods, ready: observedReady(r) };
  if (fullyPromoted(r)) return [current];
  return [current, { ...r.stable, pods: r.stablePods, ready: true }];
}

/** How long new canary pods take to become ready, and an analysis run to measure. */
export const POD_READY_MS = 5_000;
export const ANALYSIS_MS = 20_000;
/** A Rollout's default progressDeadlineSeconds. */
export const PROGRESS_DEADLINE_MS = 600_000;

/** What the controller's objects (ReplicaSets, AnalysisRuns) name as their owner. */
export function rolloutOwnerRef(app: SimApp) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    name: app.service,
    uid: uid(namespaceOf(app), 'rollout', app.service),
    controller: true,
    blockOwnerDeletion: true,
  };
}
