import { SimApp, iso } from '../app';
import type { ArgoInstance } from '../instance';
import {
  ANALYSIS_MS,
  POD_READY_MS,
  PROGRESS_DEADLINE_MS,
  RolloutState,
  durationMs,
  fullyPromoted,
  weightedCounts,
} from './model';
import { recordRolloutEvent } from './events';
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

/** A step as the controller's RolloutStepCompleted event names it. */
function stepText(s: any): string {
  if (typeof s?.setWeight === 'number') return `setWeight: ${s.setWeight}`;
  if (s?.pause)
    return s.pause.duration !== undefined
      ? `pause: ${s.pause.duration}`
      : 'pause';
  if (s?.analysis) return 'analysis';
  return JSON.stringify(s);
}

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
    // spec.paused (the `pause` action) holds the canary wherever it is.
    if (r.pauseConditions.some(p => p.reason === 'PausedByUser')) break;
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
