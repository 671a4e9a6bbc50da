import { SimApp, imageRef, iso } from '../app';
import type { ArgoInstance } from '../instance';
import type { SeedDeployment } from '../../seed/seedRepo';
import {
  POD_READY_MS,
  RolloutState,
  durationMs,
  podTemplateHash,
  setWeightAt,
  weightedCounts,
} from './model';
import { recordRolloutEvent } from './events';
import { reconcileRollout } from './canary';

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
