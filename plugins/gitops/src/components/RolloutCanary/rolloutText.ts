import type { RolloutStatus } from '@internal/backstage-plugin-gitops-common';

/** `Canary` or `Blue-green`, as the panel and its accessible names say it. */
export const strategyName = (rollout: RolloutStatus) =>
  rollout.strategy === 'blueGreen' ? 'Blue-green' : 'Canary';

/** `schedule-bot in dev`: how buttons, dialogs and regions name a Rollout. */
export const rolloutTitle = (rollout: RolloutStatus, environment: string) =>
  `${rollout.name} in ${environment}`;

/** The step a promote leaves and the one it goes to, when the Rollout has steps. */
export function promoteEffect(rollout: RolloutStatus): string {
  if (rollout.strategy === 'blueGreen')
    return 'the active service switches to the new version';
  const current = rollout.currentStepIndex ?? 0;
  const next = rollout.steps[current + 1];
  const leaving = rollout.steps[current];
  if (!leaving) return 'it goes on with its steps';
  return next
    ? `it leaves step ${current + 1} (${leaving.label}) for step ${
        current + 2
      } (${next.label})`
    : `it leaves its last step (${leaving.label}) and completes`;
}

/** Metrics whose verdict is not (yet) good, e.g. the one that failed the run. */
export const failingMetrics = (
  metrics: RolloutStatus['analysisRuns'][number]['metrics'],
) =>
  metrics.filter(m => !['Successful', 'Running', 'Pending'].includes(m.phase));
