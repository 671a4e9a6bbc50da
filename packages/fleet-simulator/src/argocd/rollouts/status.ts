import { SimApp, iso, namespaceOf, uid } from '../app';
import { rolloutOwnerRef } from './model';
import { Obj } from '../objectJson';
import { abortedMessage } from './canary';
import {
  AnalysisRunState,
  RolloutState,
  fullyPromoted,
  observedReady,
  setWeightAt,
} from './model';

/** Argo Rollouts' phase and message (rolloututil.CalculateRolloutPhase) for a basic canary. */
export function rolloutPhase(app: SimApp, r: RolloutState) {
  const c = counts(r);
  if (r.abort)
    return {
      phase: 'Degraded',
      message: `RolloutAborted: ${abortedMessage(r)}`,
    };
  if (r.deadlineExceeded)
    return {
      phase: 'Degraded',
      message: `ProgressDeadlineExceeded: ReplicaSet "${app.service}-${r.current.hash}" has timed out progressing.`,
    };
  if (r.pauseConditions.length)
    return { phase: 'Paused', message: r.pauseConditions[0].reason };
  if (c.updated < r.replicas)
    return {
      phase: 'Progressing',
      message: 'more replicas need to be updated',
    };
  if (c.available < c.updated)
    return {
      phase: 'Progressing',
      message: 'updated replicas are still becoming available',
    };
  if (c.total > c.updated)
    return {
      phase: 'Progressing',
      message: 'old replicas are pending termination',
    };
  if (!fullyPromoted(r))
    return {
      phase: 'Progressing',
      message: 'waiting for all steps to complete',
    };
  return { phase: 'Healthy', message: '' };
}

function counts(r: RolloutState) {
  const promoted = fullyPromoted(r);
  const updated = r.canaryPods;
  const stable = promoted ? 0 : r.stablePods;
  const readyCanary = observedReady(r) ? updated : 0;
  return {
    updated,
    total: updated + stable,
    available: readyCanary + stable,
  };
}

/** The Rollout's `status` as the controller writes it (fields of the CRD's status schema). */
export function rolloutStatus(app: SimApp, r: RolloutState): Obj {
  const c = counts(r);
  const { phase, message } = rolloutPhase(app, r);
  const promoted = fullyPromoted(r);
  const weight = promoted || r.abort ? 0 : setWeightAt(r.steps, r.stepIndex);
  const run = [...r.analysisRuns]
    .reverse()
    .find(
      a => a.podHash === r.current.hash && a.revision === r.current.revision,
    );
  const at = iso(r.progressAt);
  const cond = (
    type: string,
    status: boolean,
    reason: string,
    msg: string,
  ) => ({
    type,
    status: status ? 'True' : 'False',
    reason,
    message: msg,
    lastTransitionTime: at,
    lastUpdateTime: at,
  });
  const progressing = progressingCondition();
  function progressingCondition() {
    const rs = `ReplicaSet "${app.service}-${r.current.hash}"`;
    if (r.abort)
      return cond('Progressing', false, 'RolloutAborted', abortedMessage(r));
    if (r.deadlineExceeded)
      return cond(
        'Progressing',
        false,
        'ProgressDeadlineExceeded',
        `${rs} has timed out progressing.`,
      );
    if (r.pauseConditions.length)
      return cond('Progressing', true, 'RolloutPaused', 'Rollout is paused');
    if (promoted)
      return cond(
        'Progressing',
        true,
        'NewReplicaSetAvailable',
        `${rs} has successfully progressed.`,
      );
    return cond(
      'Progressing',
      true,
      'ReplicaSetUpdated',
      `${rs} is progressing.`,
    );
  }
  return {
    observedGeneration: String(r.generation),
    replicas: c.total,
    updatedReplicas: c.updated,
    ...(c.available
      ? { readyReplicas: c.available, availableReplicas: c.available }
      : {}),
    HPAReplicas: c.total,
    currentPodHash: r.current.hash,
    stableRS: r.stable.hash,
    ...(r.steps.length ? { currentStepIndex: r.stepIndex } : {}),
    canary: {
      weights: {
        canary: { podTemplateHash: r.current.hash, weight },
        stable: { podTemplateHash: r.stable.hash, weight: 100 - weight },
      },
      ...(run
        ? {
            currentStepAnalysisRunStatus: {
              name: run.name,
              status: run.phase,
              ...(run.message ? { message: run.message } : {}),
            },
          }
        : {}),
    },
    ...(r.pauseConditions.length ? { pauseConditions: r.pauseConditions } : {}),
    ...(r.controllerPause ? { controllerPause: true } : {}),
    ...(r.abort ? { abort: true, abortedAt: r.abortedAt } : {}),
    ...(r.promoteFull ? { promoteFull: true } : {}),
    selector: `app=${app.service}`,
    phase,
    message,
    conditions: [
      cond(
        'Available',
        c.available >= r.replicas,
        'AvailableReason',
        c.available >= r.replicas
          ? 'Rollout has minimum availability'
          : 'Rollout does not have minimum availability',
      ),
      progressing,
      promoted
        ? cond(
            'Completed',
            true,
            'RolloutCompleted',
            `Rollout completed update to revision ${r.current.revision}`,
          )
        : cond(
            'Completed',
            false,
            'RolloutNotCompleted',
            `Rollout not completed, started update to revision ${r.current.revision}`,
          ),
    ],
  };
}

/** Argo CD's health.lua of a Rollout: the controller's phase (Paused shown as Suspended). */
export function rolloutHealth(status: Obj, generation: number) {
  if (Number(status.observedGeneration) < generation)
    return {
      status: 'Progressing',
      message: 'Waiting for rollout spec update to be observed',
    };
  return {
    status: status.phase === 'Paused' ? 'Suspended' : status.phase,
    ...(status.message ? { message: status.message } : {}),
  };
}

/** Argo CD's health.lua of an AnalysisRun. */
export function analysisRunHealth(run: AnalysisRunState) {
  if (run.phase === 'Successful')
    return {
      status: 'Healthy',
      message: run.message ?? 'Analysis run completed successfully',
    };
  if (run.phase === 'Failed')
    return {
      status: 'Degraded',
      message: run.message ?? 'Analysis run failed',
    };
  return { status: 'Progressing', message: 'Analysis run is running' };
}

/** An AnalysisRun as the API server holds it, owned by its Rollout. */
export function analysisRunObject(app: SimApp, run: AnalysisRunState): Obj {
  const ns = namespaceOf(app);
  const done = run.phase !== 'Running';
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name: run.name,
      namespace: ns,
      uid: uid(ns, 'analysisrun', run.name),
      creationTimestamp: run.startedAt,
      generation: 1,
      labels: {
        'rollout-type': 'Step',
        'step-index': String(run.stepIndex),
        'rollouts-pod-template-hash': run.podHash,
      },
      annotations: { 'rollout.argoproj.io/revision': String(run.revision) },
      ownerReferences: [rolloutOwnerRef(app)],
    },
    spec: {
      metrics: [
        {
          name: run.metric,
          count: 1,
          failureLimit: 0,
          successCondition: 'result == "ok"',
          provider: {
            web: {
              url: `http://${app.service}.${ns}.svc/healthz`,
              jsonPath: '{$.status}',
            },
          },
        },
      ],
    },
    status: {
      phase: run.phase,
      ...(run.message ? { message: run.message } : {}),
      startedAt: run.startedAt,
      ...(done
        ? {
            metricResults: [
              {
                name: run.metric,
                phase: run.phase,
                count: 1,
                ...(run.phase === 'Failed' ? { failed: 1 } : { successful: 1 }),
                measurements: [
                  {
                    phase: run.phase,
                    startedAt: run.startedAt,
                    finishedAt: run.finishedAt,
                    value: run.phase === 'Failed' ? 'error' : 'ok',
                  },
                ],
              },
            ],
            runSummary: {
              count: 1,
              ...(run.phase === 'Failed' ? { failed: 1 } : { successful: 1 }),
            },
          }
        : {}),
    },
  };
}
