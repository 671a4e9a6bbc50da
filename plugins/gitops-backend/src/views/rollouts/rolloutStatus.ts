import type {
  AnalysisPhase,
  AnalysisRunSummary,
  ResourceNode,
  RolloutStatus,
  RolloutStep,
} from '@internal/backstage-plugin-gitops-common';
import {
  analysisRunSchema,
  parseObject,
  replicaSetSchema,
  rolloutSchema,
  type PodTemplate,
  type RolloutManifest,
  type RolloutStepSpec,
} from './rolloutSchemas';

/** What a Rollout's status is made of: its live objects and what Argo CD says of its health. */
export type RolloutInputs = {
  /** The Rollout's live manifest. */
  rollout: unknown;
  /** Live manifests of its AnalysisRuns, in any order. */
  analysisRuns?: unknown[];
  /** The stable ReplicaSet's live manifest (its image), while an update is in flight. */
  stableReplicaSet?: unknown;
  /** The Rollout's node of the resource tree (the engine's health of it). */
  node?: Pick<ResourceNode, 'health' | 'healthMessage'>;
};

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds of a Rollouts duration: an int (seconds) or Go's `10m`, `1h30m`, `45s`, `30`. */
export function durationSeconds(value: number | string): number | undefined {
  if (typeof value === 'number') return value >= 0 ? value : undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map(p => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNITS[unit], 0);
}

/** `10m`, `1h`, `90s`: the largest unit that divides the duration. */
export function formatSeconds(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

const joinNames = (names: Array<string | null | undefined>) =>
  names.filter((n): n is string => Boolean(n)).join(', ');

/** One canary step as a person reads it; an unknown kind of step keeps its field's name. */
export function describeStep(step: RolloutStepSpec): RolloutStep {
  if (typeof step.setWeight === 'number') {
    return {
      type: 'setWeight',
      label: `Set weight ${step.setWeight}%`,
      weight: step.setWeight,
    };
  }
  if (step.pause) {
    const raw = step.pause.duration;
    if (raw === undefined || raw === null) {
      return { type: 'pause', label: 'Pause until promoted' };
    }
    const seconds = durationSeconds(raw);
    return seconds === undefined
      ? { type: 'pause', label: `Pause ${raw}` }
      : {
          type: 'pause',
          label: `Pause ${formatSeconds(seconds)}`,
          pauseSeconds: seconds,
        };
  }
  if (step.analysis) {
    const names = joinNames(
      (step.analysis.templates ?? []).map(t => t.templateName),
    );
    return {
      type: 'analysis',
      label: names ? `Analysis ${names}` : 'Analysis',
    };
  }
  if (step.experiment) {
    const names = joinNames((step.experiment.templates ?? []).map(t => t.name));
    return {
      type: 'experiment',
      label: names ? `Experiment ${names}` : 'Experiment',
    };
  }
  if (step.setCanaryScale) {
    const scale = step.setCanaryScale;
    let label = 'Set canary scale to the traffic weight';
    if (typeof scale.weight === 'number')
      label = `Set canary scale ${scale.weight}%`;
    else if (typeof scale.replicas === 'number') {
      label = `Set canary scale ${scale.replicas} replicas`;
    }
    return { type: 'setCanaryScale', label };
  }
  const named = {
    setHeaderRoute: 'Set header route',
    setMirrorRoute: 'Set mirror route',
    plugin: 'Plugin',
  } as const;
  for (const [type, text] of Object.entries(named)) {
    const value = step[type as keyof typeof named];
    if (value) {
      return { type, label: value.name ? `${text} ${value.name}` : text };
    }
  }
  const other = step as Record<string, unknown>;
  const type =
    Object.keys(other).find(k => other[k] !== undefined && other[k] !== null) ??
    'unknown';
  return { type, label: type };
}

const PHASES: AnalysisPhase[] = [
  'Pending',
  'Running',
  'Successful',
  'Failed',
  'Error',
  'Inconclusive',
];

const toPhase = (phase: string | null | undefined): AnalysisPhase =>
  PHASES.find(p => p === phase) ?? (phase ? 'Error' : 'Pending');

/** An AnalysisRun's verdict and each metric's latest one (a metric's own message, else its last measurement's). */
export function analysisRunSummary(value: unknown): AnalysisRunSummary {
  const run = parseObject(analysisRunSchema, value, 'AnalysisRun');
  const status = run.status ?? {};
  const startedAt = status.startedAt ?? run.metadata.creationTimestamp;
  return {
    name: run.metadata.name,
    phase: toPhase(status.phase),
    ...(status.message ? { message: status.message } : {}),
    ...(startedAt ? { startedAt } : {}),
    metrics: (status.metricResults ?? []).map(m => {
      const message =
        m.message ?? m.measurements?.[m.measurements.length - 1]?.message;
      return {
        name: m.name,
        phase: m.phase ?? 'Pending',
        ...(message ? { message } : {}),
      };
    }),
  };
}

const imageOf = (template: PodTemplate) =>
  template?.spec?.containers?.[0]?.image ?? undefined;

/** Argo Rollouts' `GetCurrentSetWeight`: 0 once aborted, 100 past the last step, else the last setWeight up to the current step. */
function currentSetWeight(
  steps: RolloutStep[],
  index: number,
  aborted: boolean,
) {
  if (aborted) return 0;
  if (index >= steps.length) return 100;
  for (let i = index; i >= 0; i--) {
    if (steps[i].weight !== undefined) return steps[i].weight;
  }
  return 0;
}

/** The stable pods run the current template (else: past the last step, or Healthy). */
function isFullyPromoted(
  status: NonNullable<RolloutManifest['status']>,
  index: number | undefined,
  stepCount: number,
) {
  if (status.stableRS && status.currentPodHash) {
    return status.stableRS === status.currentPodHash;
  }
  if (index !== undefined) return index >= stepCount;
  return status.phase === 'Healthy';
}

/**
 * A Rollout as the page shows it, from its live manifest (and its AnalysisRuns'): the strategy,
 * the canary steps with the current one and the weight they set, whether it is paused or aborted,
 * the stable and canary images while an update is in flight, and what a person may do now.
 */
export function rolloutStatus(inputs: RolloutInputs): RolloutStatus {
  const rollout = parseObject(rolloutSchema, inputs.rollout, 'Rollout');
  const spec = rollout.spec ?? {};
  const status = rollout.status ?? {};
  const strategy =
    spec.strategy?.blueGreen && !spec.strategy.canary ? 'blueGreen' : 'canary';
  const steps =
    strategy === 'canary'
      ? (spec.strategy?.canary?.steps ?? []).map(describeStep)
      : [];
  const aborted = status.abort === true;
  const pauseConditions = status.pauseConditions ?? [];
  const paused =
    pauseConditions.length > 0 ||
    spec.paused === true ||
    status.controllerPause === true;
  const index =
    strategy === 'canary'
      ? Math.min(status.currentStepIndex ?? 0, steps.length)
      : undefined;
  const fullyPromoted = isFullyPromoted(status, index, steps.length);
  const desiredImage = imageOf(spec.template);
  let stableImage = fullyPromoted ? desiredImage : undefined;
  if (!fullyPromoted && inputs.stableReplicaSet) {
    const replicaSet = parseObject(
      replicaSetSchema,
      inputs.stableReplicaSet,
      'ReplicaSet',
    );
    stableImage = imageOf(replicaSet.spec?.template);
  }
  const trafficWeight = status.canary?.weights?.canary?.weight;
  const replicas = status.replicas ?? spec.replicas;
  const actualWeight =
    strategy !== 'canary'
      ? undefined
      : trafficWeight ??
        (replicas && typeof status.updatedReplicas === 'number'
          ? Math.round((status.updatedReplicas / replicas) * 100)
          : undefined);
  const analysisRuns = (inputs.analysisRuns ?? [])
    .map(analysisRunSummary)
    .sort(
      (a, b) =>
        (b.startedAt ?? '').localeCompare(a.startedAt ?? '') ||
        b.name.localeCompare(a.name),
    );
  const optional = {
    namespace: rollout.metadata.namespace ?? undefined,
    phase: status.phase ?? undefined,
    message: status.message ?? undefined,
    health: inputs.node?.health,
    healthMessage: inputs.node?.healthMessage,
    currentStepIndex: index,
    setWeight:
      index !== undefined ? currentSetWeight(steps, index, aborted) : undefined,
    actualWeight,
    pauseReason: pauseConditions[0]?.reason ?? undefined,
    pausedSince: pauseConditions[0]?.startTime ?? undefined,
    stableImage,
    canaryImage: fullyPromoted ? undefined : desiredImage,
  };
  return {
    name: rollout.metadata.name,
    strategy,
    steps,
    paused,
    aborted,
    analysisRuns,
    actions: [
      { name: 'promote', disabled: !paused || aborted },
      { name: 'abort', disabled: fullyPromoted || aborted },
    ],
    ...(Object.fromEntries(
      Object.entries(optional).filter(([, v]) => v !== undefined),
    ) as Partial<RolloutStatus>),
  };
}
