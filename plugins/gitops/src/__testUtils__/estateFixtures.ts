import type { Entity } from '@backstage/catalog-model';
import type {
  DoraFigures,
  DoraPoint,
  EntityCostTrend,
  EntityEstate,
  EstateCell,
  EstateCostRow,
} from '@internal/backstage-plugin-gitops-common';
import { AS_OF } from './fixtures';

/** Test data shaped like the backend's estate and DORA answers for the group `team-payments`. */

export const teamPaymentsEntity: Entity = {
  apiVersion: 'backstage.io/v1',
  kind: 'Group',
  metadata: { name: 'team-payments', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

export const paymentsSystemEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { owner: 'team-payments' },
};

const cell = (
  version: string,
  overrides: Partial<EstateCell> = {},
): EstateCell => ({
  version,
  sync: 'Synced',
  health: 'Healthy',
  lastDeployedAt: '2026-11-23T09:00:00.000Z',
  applications: 1,
  ...overrides,
});

const costRow = (
  service: string,
  environment: string,
  total: number,
  efficiency?: number,
): EstateCostRow => ({
  entityRef: `component:default/${service}`,
  environment,
  total,
  cpu: total * 0.5,
  ram: total * 0.3,
  pv: total * 0.1,
  network: total * 0.1,
  efficiency,
});

/**
 * refunds-api failing (prod Degraded after a failed sync), payments-api drifted (1.4.0 waits in
 * staging, 1.3.2 in prod), ledger-api healthy and in two systems, without staging.
 */
export function teamPaymentsEstate(
  overrides: Partial<EntityEstate> = {},
): EntityEstate {
  const rows = [
    costRow('refunds-api', 'dev', 20, 0.5),
    costRow('refunds-api', 'prod', 200, 0.3),
    costRow('payments-api', 'dev', 30, 0.6),
    costRow('payments-api', 'staging', 50, 0.4),
    costRow('payments-api', 'prod', 400, 0.45),
    costRow('ledger-api', 'dev', 10),
    costRow('ledger-api', 'prod', 90, 0.7),
  ];
  return {
    entityRef: 'group:default/team-payments',
    kind: 'group',
    asOf: AS_OF,
    environments: ['dev', 'staging', 'prod'],
    services: [
      {
        entityRef: 'component:default/refunds-api',
        title: 'Refunds API',
        systems: ['system:default/payments'],
        environments: {
          dev: cell('2.1.0'),
          prod: cell('2.1.0', { health: 'Degraded', syncFailed: true }),
        },
        failing: true,
        drifted: false,
        lastDeployedAt: '2026-11-23T09:00:00.000Z',
        sourceErrors: [],
      },
      {
        entityRef: 'component:default/payments-api',
        systems: ['system:default/payments'],
        environments: {
          dev: cell('1.4.0', { lastDeployedAt: '2026-11-23T11:00:00.000Z' }),
          staging: cell('1.3.2', { waitingVersion: '1.4.0' }),
          prod: cell('1.3.0', { sync: 'OutOfSync', waitingVersion: '1.3.2' }),
        },
        failing: false,
        drifted: true,
        lastDeployedAt: '2026-11-23T11:00:00.000Z',
        sourceErrors: [],
      },
      {
        entityRef: 'component:default/ledger-api',
        systems: ['system:default/payments', 'system:default/ledger'],
        environments: { dev: cell('0.9.0'), prod: cell('0.9.0') },
        failing: false,
        drifted: false,
        lastDeployedAt: '2026-11-20T09:00:00.000Z',
        sourceErrors: ['argocd argocd-prod: unavailable'],
      },
    ],
    approvals: [
      {
        promotionId: 'p-1',
        entityRef: 'component:default/payments-api',
        version: '1.3.2',
        fromEnv: 'staging',
        toEnv: 'prod',
        requestedBy: 'user:default/alice',
        createdAt: '2026-11-23T10:00:00.000Z',
        url: 'https://git.example.com/gitops/pulls/42',
      },
      {
        promotionId: 'p-2',
        entityRef: 'component:default/refunds-api',
        version: '2.2.0',
        fromEnv: 'dev',
        toEnv: 'prod',
        createdAt: '2026-11-23T11:30:00.000Z',
      },
    ],
    cost: {
      window: '30d',
      currency: 'USD',
      rows,
      byEnvironment: { dev: 60, staging: 50, prod: 690 },
      total: 800,
      apart: [
        { cluster: 'cluster-main', idle: 120, unallocated: 30 },
        { cluster: 'cluster-prod', idle: 80 },
      ],
      errors: [],
    },
    backups: {
      uncovered: [
        {
          entityRef: 'component:default/refunds-api',
          environment: 'prod',
          namespace: 'refunds-api-prod',
        },
      ],
      worstRpo: {
        entityRef: 'component:default/payments-api',
        environment: 'prod',
        rpoSeconds: 30 * 3600,
        rpoTargetSeconds: 26 * 3600,
        // 30 h before AS_OF.
        lastSuccessfulAt: '2026-11-22T06:00:00.000Z',
      },
      failures: [
        {
          entityRef: 'component:default/ledger-api',
          environment: 'prod',
          name: 'ledger-api-prod-daily-20261123020000',
          phase: 'PartiallyFailed',
          at: '2026-11-23T02:10:00.000Z',
        },
      ],
      errors: [],
    },
    sources: [
      {
        kind: 'deployment',
        provider: 'argocd',
        name: 'argocd-main',
        status: 'ok',
      },
      {
        kind: 'cost',
        provider: 'opencost',
        name: 'cluster-main',
        status: 'ok',
      },
    ],
    ...overrides,
  };
}

/** `GET .../estate/cost-trend`: three days per environment. */
export function teamPaymentsCostTrend(window = '30d'): EntityCostTrend {
  return {
    entityRef: 'group:default/team-payments',
    window,
    environments: ['dev', 'staging', 'prod'].map((name, i) => ({
      name,
      currency: 'USD',
      daily: [
        { date: '2026-11-21', total: 10 * (i + 1) },
        { date: '2026-11-22', total: 12 * (i + 1) },
        { date: '2026-11-23', total: 11 * (i + 1) },
      ],
    })),
    sources: [],
  };
}

/** Weekly buckets over the window, oldest first: the given values, then repeats of the last. */
function series(days: number, values: Array<number | null>): DoraPoint[] {
  const weeks = Math.ceil(days / 7);
  const start = Date.parse(AS_OF) - days * 86_400_000;
  return Array.from({ length: weeks }, (_, i) => ({
    start: new Date(start + i * 7 * 86_400_000).toISOString(),
    value: values[Math.min(i, values.length - 1)],
  }));
}

/** DORA figures of payments-api (or, with `services`, a team) over 30 or 90 days. */
export function doraFigures(
  days = 30,
  overrides: Partial<DoraFigures> = {},
): DoraFigures {
  const scale = days / 30;
  return {
    entityRef: 'component:default/payments-api',
    days,
    from: new Date(Date.parse(AS_OF) - days * 86_400_000).toISOString(),
    to: AS_OF,
    productionEnvironments: ['prod'],
    services: 1,
    deploymentFrequency: {
      deployments: 12 * scale,
      perWeek: (12 * scale) / (days / 7),
      series: series(days, [2, 3, 4, 3]),
    },
    leadTime: {
      medianSeconds: 5 * 3600,
      samples: 11 * scale,
      outliers: 1,
      series: series(days, [3 * 3600, null, 6 * 3600, 5 * 3600]),
    },
    changeFailureRate: {
      failed: 2 * scale,
      deployments: 12 * scale,
      rate: 1 / 6,
      series: series(days, [0, 0.5, 0, 0]),
    },
    timeToRestore: {
      medianSeconds: 40 * 60,
      samples: 2 * scale,
      series: series(days, [null, 2400, null, null]),
    },
    definitions: {
      deploymentFrequency:
        'Successful deployments to a production environment.',
      leadTime:
        'From the commit time of the deployed revision to Synced and Healthy in prod.',
      changeFailureRate:
        'Prod deployments followed within 24 h by a rollback, a failed sync or Degraded.',
      timeToRestore: 'From Degraded or failed to Healthy again in prod.',
    },
    ...overrides,
  };
}
