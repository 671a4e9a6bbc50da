/**
 * Live manifests shaped as Argo Rollouts writes them (see the Rollout CRD in the shared
 * contracts): a canary paused at its first pause, the same fully promoted, one aborted by a
 * failed analysis, and a blue-green waiting for promotion.
 */
export const CANARY_STEPS = [
  { setWeight: 20 },
  { pause: {} },
  { setWeight: 50 },
  { analysis: { templates: [{ templateName: 'schedule-bot-smoke' }] } },
  { pause: { duration: '10m' } },
];

const template = (tag: string) => ({
  metadata: { labels: { app: 'schedule-bot' } },
  spec: {
    containers: [
      { name: 'schedule-bot', image: `ghcr.io/acme/schedule-bot:${tag}` },
    ],
  },
});

export function canaryRollout(
  status: Record<string, unknown>,
  tag = '0.9.0',
  steps: unknown[] = CANARY_STEPS,
) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: 'schedule-bot',
      namespace: 'schedule-bot-dev',
      uid: 'ro-1',
      creationTimestamp: '2025-01-01T00:00:00Z',
    },
    spec: {
      replicas: 5,
      selector: { matchLabels: { app: 'schedule-bot' } },
      template: template(tag),
      strategy: { canary: { steps } },
    },
    status,
  };
}

/** dev: 0.9.0 over stable 0.8.5, paused at step 1 (`pause: {}`) with 20%. */
export const PAUSED_CANARY = canaryRollout({
  phase: 'Paused',
  message: 'CanaryPauseStep',
  currentStepIndex: 1,
  currentPodHash: '7d9f',
  stableRS: '5c4b',
  replicas: 5,
  updatedReplicas: 1,
  controllerPause: true,
  pauseConditions: [
    { reason: 'CanaryPauseStep', startTime: '2025-01-02T10:00:00Z' },
  ],
});

export const PROMOTED_CANARY = canaryRollout(
  {
    phase: 'Healthy',
    currentStepIndex: 5,
    currentPodHash: '5c4b',
    stableRS: '5c4b',
    replicas: 5,
    updatedReplicas: 5,
  },
  '0.8.5',
);

export const ABORTED_CANARY = canaryRollout(
  {
    phase: 'Degraded',
    message:
      'RolloutAborted: Rollout aborted update to revision 3: Metric "smoke" assessed Failed due to failed (1) > failureLimit (0)',
    abort: true,
    abortedAt: '2025-01-02T10:05:00Z',
    currentStepIndex: 3,
    currentPodHash: '9aa1',
    stableRS: '5c4b',
    replicas: 5,
    updatedReplicas: 0,
    canary: { weights: { canary: { weight: 0 }, stable: { weight: 100 } } },
  },
  '0.9.0-bad',
);

export const STABLE_REPLICA_SET = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'schedule-bot-5c4b', namespace: 'schedule-bot-dev' },
  spec: { template: template('0.8.5') },
};

export function analysisRun(
  name: string,
  phase: string,
  startedAt: string,
  metric?: { phase: string; message?: string },
) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name, namespace: 'schedule-bot-dev' },
    spec: { metrics: [{ name: 'smoke' }] },
    status: {
      phase,
      startedAt,
      metricResults: metric
        ? [
            {
              name: 'smoke',
              phase: metric.phase,
              measurements: [{ phase: metric.phase, message: metric.message }],
            },
          ]
        : [],
    },
  };
}

export const BLUE_GREEN = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'checkout', namespace: 'checkout' },
  spec: {
    replicas: 2,
    template: template('2.0.0'),
    strategy: {
      blueGreen: {
        activeService: 'checkout-active',
        previewService: 'checkout-preview',
        autoPromotionEnabled: false,
      },
    },
  },
  status: {
    phase: 'Paused',
    message: 'BlueGreenPause',
    currentPodHash: 'b2',
    stableRS: 'a1',
    pauseConditions: [
      { reason: 'BlueGreenPause', startTime: '2025-01-02T09:00:00Z' },
    ],
    blueGreen: { activeSelector: 'a1', previewSelector: 'b2' },
  },
};
