import { iso } from '../app';
import type { SimApp } from '../app';
import type { ArgoInstance } from '../instance';
import { ArgoError, GRPC } from '../errors';
import { reconcileRollout } from './canary';
import { recordRolloutEvent } from './events';
import { fullyPromoted } from './model';

/** A Rollout action as Argo CD's `resource/actions` list answers it (`v1alpha1.ResourceAction`). */
export interface ResourceAction {
  name: string;
  disabled?: boolean;
  displayName?: string;
}

/**
 * Argo CD v3.5's built-in discovery.lua for `argoproj.io/Rollout`. Argo CD returns them from a Go
 * map (in no particular order); sorted here. `disabled: false` is left out, as Go's omitempty.
 */
export function rolloutActions(app: SimApp): ResourceAction[] {
  const r = app.rollout!;
  const promoted = fullyPromoted(r);
  const paused = r.pauseConditions.length > 0;
  const at = (name: string, disabled: boolean, displayName?: string) => ({
    name,
    ...(disabled ? { disabled } : {}),
    ...(displayName ? { displayName } : {}),
  });
  return [
    at('abort', promoted || r.abort),
    at('pause', promoted || r.abort),
    at('promote-full', promoted),
    at('restart', false, 'Restart Pods'),
    at('resume', !paused),
    at('retry', promoted || !r.abort),
    at('skip-current-step', r.stepIndex === r.steps.length),
  ];
}

/**
 * Runs a Rollout action as its action.lua patches the live object (Argo CD does not check
 * `disabled`): `resume` clears pauseConditions, `abort` sets status.abort, `retry` clears it,
 * `promote-full` sets status.promoteFull, `skip-current-step` moves the step index, `pause` and
 * `restart` set spec.paused / spec.restartAt. Then the Rollouts controller reacts, as it would
 * within milliseconds; its events say what it did.
 */
export function runRolloutAction(
  inst: ArgoInstance,
  app: SimApp,
  action: string,
) {
  const r = app.rollout!;
  switch (action) {
    case 'resume':
      r.pauseConditions = [];
      break;
    case 'abort':
      r.abort = true;
      break;
    case 'retry':
      if (r.abort) {
        r.abort = false;
        r.abortedAt = undefined;
        r.abortMessage = undefined;
        r.progressAt = inst.clock.nowMs();
        recordRolloutEvent(
          inst,
          r,
          'RolloutRetry',
          'Retrying Rollout after abort',
        );
      }
      break;
    case 'promote-full':
      r.promoteFull = true;
      break;
    case 'skip-current-step':
      if (r.stepIndex < r.steps.length) {
        r.pauseConditions = [];
        r.controllerPause = false;
        r.stepIndex++;
      }
      break;
    case 'pause':
      // spec.paused: the controller adds a PauseCondition `PausedByUser` for it.
      if (!r.pauseConditions.some(p => p.reason === 'PausedByUser'))
        r.pauseConditions.push({
          reason: 'PausedByUser',
          startTime: iso(inst.clock.now()),
        });
      r.controllerPause = true;
      break;
    case 'restart':
      recordRolloutEvent(
        inst,
        r,
        'RolloutRestarted',
        `Rollout restarted pods at ${iso(inst.clock.now())}`,
      );
      break;
    default:
      // GetResourceAction finds no built-in action.lua; the gateway maps the plain error to 500.
      throw new ArgoError(
        500,
        GRPC.Unknown,
        'error getting Lua resource action: built-in script does not exist',
      );
  }
  reconcileRollout(inst, app);
}
