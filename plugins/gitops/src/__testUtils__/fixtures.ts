import type {
  ApplicationSummary,
  EntityCostTrend,
  EntityDiffs,
  EntityOverview,
  EntityPermissions,
  EntityRollouts,
  EnvironmentOverview,
  ResourceDiff,
  RolloutStatus,
  SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import type { Entity } from '@backstage/catalog-model';

/** Test data shaped like the backend's answer for the example `payments-api`. */

export const paymentsEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: { 'argocd/app-selector': 'app=payments-api' },
  },
  spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
};

export const AS_OF = '2026-11-23T12:00:00.000Z';

export function app(
  env: string,
  overrides: Partial<ApplicationSummary> = {},
): ApplicationSummary {
  return {
    instance: env === 'prod' ? 'argocd-prod' : 'argocd-main',
    name: `payments-api-${env}`,
    namespace: 'argocd',
    project: 'default',
    environment: env,
    sync: 'Synced',
    health: 'Healthy',
    revision: `${env}00000000000000000000000000000000000abc`.slice(0, 40),
    images: ['registry.example.com/payments-api:1.0.0'],
    lastSyncedAt: '2026-11-23T11:00:00.000Z',
    autoSync: env !== 'prod',
    destination: { namespace: `payments-api-${env}` },
    url: `http://argo.example.com/applications/argocd/payments-api-${env}`,
    ...overrides,
  };
}

function environment(
  name: string,
  version: string,
  overrides: Partial<EnvironmentOverview> = {},
): EnvironmentOverview {
  return {
    name,
    applications: [
      app(name, { images: [`registry.example.com/payments-api:${version}`] }),
    ],
    version: {
      version,
      revision: `${name}0000000000000000000000000000000000abc`.slice(0, 40),
      deployedAt: '2026-11-23T11:00:00.000Z',
      deployedBy: 'user:default/alice',
    },
    cost: {
      window: '7d',
      currency: 'USD',
      total: name === 'prod' ? 420.5 : 35.25,
      cpu: 20,
      ram: 10,
      pv: 3,
      network: 2.25,
      efficiency: 0.42,
    },
    backup: {
      lastSuccessfulAt: '2026-11-23T02:05:00.000Z',
      lastSuccessfulName: `payments-api-${name}-daily-20261123020000`,
      rpoSeconds: 9.9 * 3600,
      rpoTargetSeconds: 26 * 3600,
      schedules: [
        {
          name: `payments-api-${name}-daily`,
          cron: '0 2 * * *',
          paused: false,
          lastBackupAt: '2026-11-23T02:00:00.000Z',
        },
      ],
      lastPhase: 'Completed',
      failures: [],
      uncoveredNamespaces: [],
      unavailableLocations: [],
    },
    ...overrides,
  };
}

/** What an owner of the service may do: everything. */
export const ALLOW_ALL: EntityPermissions = {
  sync: true,
  prune: true,
  refresh: true,
  rollback: true,
  promote: true,
  approve: true,
  promoteRollout: true,
  abortRollout: true,
};

/** What a user who does not own the service may do: nothing. */
export const DENY_ALL: EntityPermissions = {
  sync: false,
  prune: false,
  refresh: false,
  rollback: false,
  promote: false,
  approve: false,
  promoteRollout: false,
  abortRollout: false,
};

const source = (
  kind: SourceStatus['kind'],
  provider: string,
  name: string,
): SourceStatus => ({ kind, provider, name, status: 'ok', fetchedAt: AS_OF });

/** dev 1.4.0, staging 1.3.2, prod 1.3.0 OutOfSync — the example fleet's state. */
export function paymentsOverview(
  overrides: Partial<EntityOverview> = {},
): EntityOverview {
  return {
    entityRef: 'component:default/payments-api',
    asOf: AS_OF,
    environments: [
      environment('dev', '1.4.0'),
      environment('staging', '1.3.2'),
      environment('prod', '1.3.0', {
        applications: [
          app('prod', {
            sync: 'OutOfSync',
            images: ['registry.example.com/payments-api:1.3.0'],
          }),
        ],
      }),
    ],
    sources: [
      source('deployment', 'argocd', 'argocd-main'),
      source('deployment', 'argocd', 'argocd-prod'),
      source('cost', 'opencost', 'cluster-main'),
      source('backup', 'velero', 'cluster-main'),
    ],
    permissions: { ...ALLOW_ALL },
    promotionsConfigured: true,
    ...overrides,
  };
}

/** `GET .../cost-trend`: three days per environment; prod costs the most. */
export function paymentsCostTrend(window = '7d'): EntityCostTrend {
  return {
    entityRef: 'component:default/payments-api',
    window,
    environments: ['dev', 'staging', 'prod'].map(name => ({
      name,
      currency: 'USD',
      daily: [
        { date: '2026-11-21', total: name === 'prod' ? 60 : 5 },
        { date: '2026-11-22', total: name === 'prod' ? 62 : 6 },
        { date: '2026-11-23', total: name === 'prod' ? 58 : 4 },
      ],
    })),
    sources: [source('cost', 'opencost', 'cluster-main')],
  };
}

/** prod's drift: the Deployment runs 1.3.0 (git: 1.3.1), a ConfigMap to create, a Service to prune. */
export const PROD_DRIFT: ResourceDiff[] = [
  {
    group: 'apps',
    kind: 'Deployment',
    namespace: 'payments-api-prod',
    name: 'payments-api',
    action: 'update',
    summary: ['image 1.3.0 → 1.3.1', 'spec.replicas 2 → 3'],
    diff: [
      '--- a/resource',
      '+++ b/resource',
      '@@ -6,7 +6,7 @@ metadata:',
      '   namespace: payments-api-prod',
      ' spec:',
      '-  replicas: 2',
      '+  replicas: 3',
      '   template:',
      '@@ -14,3 +14,3 @@ spec:',
      '         - name: payments-api',
      '-          image: registry.example.com/payments-api:1.3.0',
      '+          image: registry.example.com/payments-api:1.3.1',
      '',
    ].join('\n'),
  },
  {
    kind: 'ConfigMap',
    namespace: 'payments-api-prod',
    name: 'payments-api-flags',
    action: 'create',
    summary: [],
    diff: '--- /dev/null\n+++ b/resource\n@@ -0,0 +1,2 @@\n+kind: ConfigMap\n+data: {}\n',
  },
  {
    kind: 'Service',
    namespace: 'payments-api-prod',
    name: 'payments-api-legacy',
    action: 'prune',
    summary: [],
    diff: '--- a/resource\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-kind: Service\n-spec: {}\n',
  },
];

/** The answer of `GET …/diff?application=argocd-prod/payments-api-prod`. */
export function prodDiff(resources: ResourceDiff[] = PROD_DRIFT): EntityDiffs {
  return {
    entityRef: 'component:default/payments-api',
    applications: [
      {
        instance: 'argocd-prod',
        name: 'payments-api-prod',
        environment: 'prod',
        sync: 'OutOfSync',
        resources,
      },
    ],
  };
}

const CANARY_STEPS: RolloutStatus['steps'] = [
  { type: 'setWeight', label: 'Set weight 20%', weight: 20 },
  { type: 'pause', label: 'Pause until promoted' },
  { type: 'setWeight', label: 'Set weight 50%', weight: 50 },
  { type: 'pause', label: 'Pause 10m', pauseSeconds: 600 },
  { type: 'setWeight', label: 'Set weight 100%', weight: 100 },
];

/** The Rollout `schedule-bot` paused at step 2 of 5 (`Pause until promoted`) at weight 20. */
export function pausedCanary(
  overrides: Partial<RolloutStatus> = {},
): RolloutStatus {
  return {
    namespace: 'schedule-bot-dev',
    name: 'schedule-bot',
    strategy: 'canary',
    phase: 'Paused',
    message: 'CanaryPauseStep',
    health: 'Suspended',
    steps: CANARY_STEPS,
    currentStepIndex: 1,
    setWeight: 20,
    actualWeight: 20,
    paused: true,
    pauseReason: 'CanaryPauseStep',
    pausedSince: '2026-11-23T11:50:00.000Z',
    aborted: false,
    stableImage: 'registry.example.com/schedule-bot:2.0.0',
    canaryImage: 'registry.example.com/schedule-bot:2.1.0',
    analysisRuns: [
      {
        name: 'schedule-bot-7c9-2',
        phase: 'Successful',
        startedAt: '2026-11-23T11:45:00.000Z',
        metrics: [{ name: 'smoke', phase: 'Successful' }],
      },
    ],
    actions: [
      { name: 'promote', disabled: false },
      { name: 'abort', disabled: false },
    ],
    ...overrides,
  };
}

/** The same Rollout after a promote: step 3 (`Set weight 50%`), no longer paused. */
export function promotedCanary(): RolloutStatus {
  return pausedCanary({
    phase: 'Progressing',
    message: undefined,
    health: 'Progressing',
    currentStepIndex: 2,
    setWeight: 50,
    actualWeight: 20,
    paused: false,
    pauseReason: undefined,
    pausedSince: undefined,
    actions: [{ name: 'abort', disabled: false }],
  });
}

/** `GET …/rollouts`: the Rollouts of `schedule-bot-dev` (dev), by default the paused canary. */
export function scheduleBotRollouts(
  rollouts: RolloutStatus[] = [pausedCanary()],
  more: EntityRollouts['applications'] = [],
): EntityRollouts {
  return {
    entityRef: 'component:default/payments-api',
    applications: [
      {
        instance: 'argocd-main',
        name: 'schedule-bot-dev',
        environment: 'dev',
        rollouts,
      },
      ...more,
    ],
  };
}
