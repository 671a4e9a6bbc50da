import { SimApp, imageRef, iso } from '../app';
import type { ArgoInstance } from '../instance';
import type { SeedDeployment } from '../../seed/seedRepo';
import {
  RolloutState,
  durationMs,
  fullyPromoted,
  podTemplateHash,
  setWeightAt,
  weightedCounts,
} from './model';

/** How long new canary pods take to become ready, and an analysis run to measure. */
export const POD_READY_MS = 5_000;
export const ANALYSIS_MS = 20_000;
/** A Rollout's default progressDeadlineSeconds. */
export const PROGRESS_DEADLINE_MS = 600_000;

const template = (app: SimApp) => {
  const image = imageRef(app.live, app.service) ?? '';
  return {
    image,
    hash: podTemplateHash({
      image,
      cpu: app.live.cpu,
      memory: app.live.memory,
    }),
  };
};

export function recordRolloutEvent(
  inst: ArgoInstance,
  r: RolloutState,
  reason: string,
  message: string,
  type: 'Normal' | 'Warning' = 'Normal',
) {
  r.events.push({ type, reason, message, at: inst.clock.nowMs() });
  if (r.events.length > 100) r.events.splice(0, r.events.length - 100);
}

/**
 * The state a seeded app's Rollout is in: fully promoted at its last deployment, or (a seed
 * deployment marked `pausedCanary`) a canary of it over the one before, waiting at the first
 * `pause: {}` since its pods became ready.
 */
export function initRollout(
  inst: ArgoInstance,
  app: SimApp,
  seed: SeedDeployment[],
) {
  const spec = app.live.rollout;
  if (!spec || !app.live.tag) return;
  const tags = seed.map(d => d.tag).filter((t, i, a) => a.indexOf(t) === i);
  const last = seed[seed.length - 1];
  const deployedAt = last?.deployedAt.getTime() ?? inst.clock.nowMs();
  const cur = template(app);
  const revision = Math.max(1, tags.length);
  const replicas = app.live.replicas ?? 1;
  const r: RolloutState = {
    steps: spec.steps,
    replicas,
    generation: revision,
    stable: { ...cur, revision },
    current: { ...cur, revision, createdAt: iso(deployedAt) },
    stepIndex: spec.steps.length,
    pauseConditions: [],
    controllerPause: false,
    abort: false,
    promoteFull: false,
    canaryPods: replicas,
    stablePods: 0,
    readyAt: deployedAt,
    progressAt: deployedAt,
    observedAt: inst.clock.nowMs(),
    deadlineExceeded: false,
    analysisRuns: [],
    events: [],
  };
  const pauseAt = spec.steps.findIndex(
    s => s?.pause && durationMs(s.pause.duration) === undefined,
  );
  if (last?.pausedCanary && tags.length > 1 && pauseAt >= 0) {
    const stableTag = tags[tags.length - 2];
    const stableImage = imageRef({ ...app.live, tag: stableTag }, app.service)!;
    r.stable = {
      image: stableImage,
      hash: podTemplateHash({
        image: stableImage,
        cpu: app.live.cpu,
        memory: app.live.memory,
      }),
      revision: revision - 1,
    };
    const pausedAt = deployedAt + POD_READY_MS;
    const counts = weightedCounts(replicas, setWeightAt(spec.steps, pauseAt));
    Object.assign(r, {
      stepIndex: pauseAt,
      pauseConditions: [
        { reason: 'CanaryPauseStep', startTime: iso(pausedAt) },
      ],
      controllerPause: true,
      canaryPods: counts.canary,
      stablePods: counts.stable,
      readyAt: pausedAt,
      progressAt: pausedAt,
    });
    r.events.push({
      type: 'Normal',
      reason: 'RolloutPaused',
      message: 'Rollout is paused (CanaryPauseStep)',
      at: pausedAt,
    });
  }
  app.rollout = r;
}

/** A sync applied the app's Rollout: a changed pod template starts a canary at step 0. */
export function rolloutApplied(inst: ArgoInstance, app: SimApp) {
  const spec = app.live.rollout;
  if (!spec) {
    app.rollout?.cancel?.();
    app.rollout = undefined;
    return;
  }
  const now = inst.clock.nowMs();
  const next = template(app);
  let r = app.rollout;
  if (!r) {
    // A new Rollout has no stable ReplicaSet: its first template goes to 100 % without steps.
    initRollout(inst, app, []);
    r = app.rollout!;
    r.generation = 1;
    r.readyAt = inst.isBad(app.live.tag, app.live.image)
      ? undefined
      : now + POD_READY_MS;
    recordRolloutEvent(
      inst,
      r,
      'NewReplicaSetCreated',
      `Created ReplicaSet ${app.service}-${next.hash} (revision 1)`,
    );
    reconcileRollout(inst, app, false);
    return;
  }
  r.steps = spec.steps;
  r.replicas = app.live.replicas ?? 1;
  r.generation++;
  if (next.hash === r.current.hash) {
    reconcileRollout(inst, app, false);
    return;
  }
  const revision = Math.max(r.current.revision, r.stable.revision) + 1;
  if (next.hash === r.stable.hash) {
    // Back to the stable template: Argo Rollouts skips the steps.
    recordRolloutEvent(inst, r, 'SkipSteps', 'Rollback to stable ReplicaSets');
    r.current = { ...r.stable, createdAt: r.current.createdAt };
    r.stable.revision = revision;
    r.current.revision = revision;
  } else {
    r.current = { ...next, revision, createdAt: iso(now) };
    r.canaryPods = 0;
    r.readyAt = undefined;
    recordRolloutEvent(
      inst,
      r,
      'RolloutUpdated',
      `Rollout updated to revision ${revision}`,
    );
    recordRolloutEvent(
      inst,
      r,
      'NewReplicaSetCreated',
      `Created ReplicaSet ${app.service}-${next.hash} (revision ${revision})`,
    );
  }
  Object.assign(r, {
    stepIndex: 0,
    pauseConditions: [],
    controllerPause: false,
    abort: false,
    abortedAt: undefined,
    abortMessage: undefined,
    promoteFull: false,
    progressAt: now,
    deadlineExceeded: false,
  });
  reconcileRollout(inst, app, false);
}

/** Scales the canary and stable ReplicaSets; new canary pods are ready a little later. */
function scale(
  inst: ArgoInstance,
  app: SimApp,
  r: RolloutState,
  canary: number,
  stable: number,
) {
  if (canary > r.canaryPods) {
    const bad = inst.isBad(app.live.tag, app.live.image);
    r.readyAt = bad ? undefined : inst.clock.nowMs() + POD_READY_MS;
  }
  r.canaryPods = canary;
  r.stablePods = stable;
}

const stepText = (s: any) =>
  typeof s?.setWeight === 'number'
    ? `setWeight: ${s.setWeight}`
    : s?.pause
    ? s.pause.duration !== undefined
      ? `pause: ${s.pause.duration}`
      : 'pause'
    : s?.analysis
    ? 'analysis'
    : JSON.stringify(s);

function completeStep(inst: ArgoInstance, r: RolloutState) {
  recordRolloutEvent(
    inst,
    r,
    'RolloutStepCompleted',
    `Rollout step ${r.stepIndex + 1}/${r.steps.length} completed (${stepText(
      r.steps[r.stepIndex],
    )})`,
  );
  r.stepIndex++;
  r.progressAt = inst.clock.nowMs();
}

export const abortedMessage = (r: RolloutState) =>
  `Rollout aborted update to revision ${r.current.revision}${
    r.abortMessage ? `: ${r.abortMessage}` : ''
  }`;

/**
 * One pass of the Rollouts controller over the canary: abort, promotion, and the current step
 * (setWeight waits for ready canary pods, a pause for its duration or a resume, an analysis for
 * its run); then it wakes itself at the next due time. Touches the app unless `notify` is false.
 */
export function reconcileRollout(
  inst: ArgoInstance,
  app: SimApp,
  notify = true,
) {
  const r = app.rollout;
  if (!r) return;
  r.cancel?.();
  r.cancel = undefined;
  const now = inst.clock.nowMs();
  const wake: number[] = [];
  const ready = () => r.readyAt !== undefined && r.readyAt <= now;
  for (let guard = 0; guard < 50; guard++) {
    if (r.abort) {
      if (!r.abortedAt) {
        r.abortedAt = iso(now);
        recordRolloutEvent(
          inst,
          r,
          'RolloutAborted',
          abortedMessage(r),
          'Warning',
        );
        for (const run of r.analysisRuns.filter(a => a.phase === 'Running'))
          Object.assign(run, {
            phase: 'Successful',
            message: 'Run Terminated',
            finishedAt: iso(now),
          });
      }
      if (!fullyPromoted(r)) {
        r.stepIndex = 0;
        scale(inst, app, r, 0, r.replicas);
      }
      break;
    }
    if (fullyPromoted(r)) {
      r.stepIndex = r.steps.length;
      scale(inst, app, r, r.replicas, 0);
      if (!ready() && r.readyAt) wake.push(r.readyAt);
      break;
    }
    if (r.promoteFull || r.stepIndex >= r.steps.length) {
      scale(inst, app, r, r.replicas, r.stablePods);
      if (!ready()) {
        if (r.readyAt) wake.push(r.readyAt);
        break;
      }
      r.stable = { ...r.current };
      r.promoteFull = false;
      r.pauseConditions = [];
      r.controllerPause = false;
      r.stablePods = 0;
      r.stepIndex = r.steps.length;
      r.progressAt = now;
      recordRolloutEvent(
        inst,
        r,
        'RolloutCompleted',
        `Rollout completed update to revision ${r.current.revision} (${r.current.hash}): Rollout is Healthy`,
      );
      break;
    }
    const step = r.steps[r.stepIndex] ?? {};
    if (typeof step.setWeight === 'number') {
      const c = weightedCounts(r.replicas, step.setWeight);
      scale(inst, app, r, c.canary, c.stable);
      if (ready()) {
        completeStep(inst, r);
        continue;
      }
      if (r.readyAt) wake.push(r.readyAt);
      break;
    }
    if (step.pause) {
      if (r.controllerPause && !r.pauseConditions.length) {
        r.controllerPause = false;
        recordRolloutEvent(inst, r, 'RolloutResumed', 'Rollout is resumed');
        completeStep(inst, r);
        continue;
      }
      if (!r.pauseConditions.length) {
        r.pauseConditions = [
          { reason: 'CanaryPauseStep', startTime: iso(now) },
        ];
        r.controllerPause = true;
        recordRolloutEvent(
          inst,
          r,
          'RolloutPaused',
          'Rollout is paused (CanaryPauseStep)',
        );
      }
      const d = durationMs(step.pause.duration);
      if (d !== undefined) {
        const end = Date.parse(r.pauseConditions[0].startTime) + d;
        if (end <= now) {
          r.pauseConditions = [];
          continue;
        }
        wake.push(end);
      }
      break;
    }
    if (step.analysis) {
      const done = stepAnalysis(inst, app, r, ready(), wake);
      if (done === 'next') {
        completeStep(inst, r);
        continue;
      }
      if (done === 'abort') continue;
      break;
    }
    completeStep(inst, r);
  }
  // A canary that never gets ready runs into progressDeadlineSeconds (Degraded, not aborted).
  const stuck =
    !r.abort && !fullyPromoted(r) && !r.pauseConditions.length && !ready();
  if (stuck && !r.deadlineExceeded) {
    const deadline = r.progressAt + PROGRESS_DEADLINE_MS;
    if (deadline <= now) {
      r.deadlineExceeded = true;
      recordRolloutEvent(
        inst,
        r,
        'RolloutTimedOut',
        `ReplicaSet "${app.service}-${r.current.hash}" has timed out progressing.`,
        'Warning',
      );
    } else wake.push(deadline);
  }
  if (!stuck) r.deadlineExceeded = false;
  r.observedAt = now;
  const at = wake.filter(t => t > now).sort((a, b) => a - b)[0];
  if (at !== undefined)
    r.cancel = inst.clock.at(at, () => {
      r.cancel = undefined;
      if (app.rollout === r) reconcileRollout(inst, app);
    });
  if (notify) {
    inst.refresh(app);
    inst.touch(app);
  }
}

/**
 * The step's AnalysisRun (`<rollout>-<pod hash>-<revision>-<step>`, as Argo Rollouts names it):
 * created Running, assessed after ANALYSIS_MS. It fails when the canary's image is bad, its
 * pods aren't ready, or a test asked for it; a failed run aborts the rollout.
 */
function stepAnalysis(
  inst: ArgoInstance,
  app: SimApp,
  r: RolloutState,
  podsReady: boolean,
  wake: number[],
): 'next' | 'abort' | 'wait' {
  const now = inst.clock.nowMs();
  const step = r.steps[r.stepIndex];
  const metric = app.live.rollout?.analysisMetric ?? 'smoke';
  let run = r.analysisRuns.find(
    a =>
      a.stepIndex === r.stepIndex &&
      a.podHash === r.current.hash &&
      a.revision === r.current.revision,
  );
  if (!run) {
    run = {
      name: `${app.service}-${r.current.hash}-${r.current.revision}-${r.stepIndex}`,
      stepIndex: r.stepIndex,
      podHash: r.current.hash,
      revision: r.current.revision,
      metric,
      templateName:
        step.analysis.templates?.[0]?.templateName ??
        `${app.service}-${metric}`,
      phase: 'Running',
      startedAt: iso(now),
    };
    r.analysisRuns.push(run);
    recordRolloutEvent(
      inst,
      r,
      'AnalysisRunRunning',
      `Step Analysis Run '${run.name}' Status New: 'Running' Previous: ''`,
    );
  }
  if (run.phase === 'Running') {
    const end = Date.parse(run.startedAt) + ANALYSIS_MS;
    if (end > now) {
      wake.push(end);
      return 'wait';
    }
    const fails =
      inst.isBad(app.live.tag, app.live.image) ||
      !podsReady ||
      !!r.failNextAnalysis;
    r.failNextAnalysis = false;
    run.phase = fails ? 'Failed' : 'Successful';
    run.finishedAt = iso(now);
    if (fails)
      run.message = `Metric "${metric}" assessed Failed due to failed (1) > failureLimit (0)`;
    recordRolloutEvent(
      inst,
      r,
      `AnalysisRun${run.phase}`,
      `Step Analysis Run '${run.name}' Status New: '${run.phase}' Previous: 'Running'`,
      fails ? 'Warning' : 'Normal',
    );
  }
  if (run.phase === 'Successful') return 'next';
  r.abort = true;
  r.abortMessage = run.message;
  return 'abort';
}
