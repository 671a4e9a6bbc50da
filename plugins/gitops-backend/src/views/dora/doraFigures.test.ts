import {
  doraFigures,
  type DoraDeployment,
  type DoraHealth,
  type DoraInput,
} from './doraFigures';

const NOW = new Date('2026-12-01T00:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const APP = 'argocd-prod//payments-api-prod';

/** A time `days` (and `hours`) before NOW. */
const ago = (days: number, hours = 0) =>
  new Date(NOW.getTime() - days * DAY - hours * HOUR).toISOString();

const deployed = (
  at: string,
  version: string,
  extra: Partial<DoraDeployment> = {},
): DoraDeployment => ({
  appKey: APP,
  revision: `rev-${version}`,
  images: [`registry.example.com/payments-api:${version}`],
  finishedAt: at,
  result: 'Succeeded',
  ...extra,
});

const failedSync = (at: string, version: string): DoraDeployment => ({
  ...deployed(at, version),
  result: 'Failed',
});

const health = (at: string, state: DoraHealth['health']): DoraHealth => ({
  appKey: APP,
  health: state,
  at,
});

const figures = (input: Partial<DoraInput>) =>
  doraFigures({
    entityRef: 'component:default/payments-api',
    days: 30,
    now: NOW,
    productionEnvironments: ['prod'],
    services: 1,
    deployments: [],
    health: [],
    ...input,
  });

describe('doraFigures', () => {
  it('counts a rollback to an old version as a deployment and as a failure of the one it replaced', () => {
    const result = figures({
      deployments: [
        deployed(ago(10), '1.3.0'),
        deployed(ago(5), '1.4.0'),
        // Back to 1.3.0 two hours later (git revert: a new revision, the old image).
        deployed(ago(5, -2), '1.3.0', { revision: 'rev-revert' }),
      ],
    });
    expect(result.deploymentFrequency.deployments).toBe(3);
    expect(result.changeFailureRate).toMatchObject({
      failed: 1,
      deployments: 3,
      rate: 1 / 3,
    });
  });

  it('a deployment undone by a rollback with no health on record was restored when the rollback ran', () => {
    const result = figures({
      deployments: [
        deployed(ago(10), '1.3.0'),
        deployed(ago(5), '1.4.0'),
        deployed(ago(5, -2), '1.3.0', { operation: 'rollback' }),
      ],
    });
    expect(result.timeToRestore).toMatchObject({
      medianSeconds: 2 * 3600,
      samples: 1,
    });
    // With the health record, the health record tells: Degraded 30 min after, Healthy at the rollback + 5 min.
    const told = figures({
      deployments: [
        deployed(ago(10), '1.3.0'),
        deployed(ago(5), '1.4.0'),
        deployed(ago(5, -2), '1.3.0', { operation: 'rollback' }),
      ],
      health: [
        health(ago(10), 'Healthy'),
        health(ago(5, -0.5), 'Degraded'),
        health(ago(5, -2 - 5 / 60), 'Healthy'),
      ],
    });
    expect(told.timeToRestore.samples).toBe(1);
    expect(told.timeToRestore.medianSeconds).toBeCloseTo(95 * 60, 5);
  });

  it("counts Argo CD's rollback operation as a rollback even to a revision it never ran twice", () => {
    const result = figures({
      deployments: [
        deployed(ago(3), '1.4.0'),
        deployed(ago(3, -1), '1.3.9', { operation: 'rollback' }),
      ],
    });
    expect(result.changeFailureRate).toMatchObject({
      failed: 1,
      deployments: 2,
    });
  });

  it('does not call a rollback what comes after the failure window', () => {
    const result = figures({
      deployments: [
        deployed(ago(20), '1.3.0'),
        deployed(ago(15), '1.4.0'),
        deployed(ago(5), '1.3.0', { revision: 'rev-back' }),
      ],
    });
    expect(result.changeFailureRate.failed).toBe(0);
  });

  it('counts a sync that failed and was retried as one failure, not two deployments', () => {
    const result = figures({
      deployments: [
        deployed(ago(8), '1.3.0'),
        failedSync(ago(4), '1.4.0'),
        deployed(
          new Date(Date.parse(ago(4)) + 10 * 60_000).toISOString(),
          '1.4.0',
        ),
      ],
    });
    expect(result.deploymentFrequency.deployments).toBe(2);
    expect(result.changeFailureRate).toMatchObject({
      failed: 1,
      deployments: 2,
      rate: 0.5,
    });
    // From the failed sync to the retry that ran.
    expect(result.timeToRestore).toMatchObject({
      samples: 1,
      medianSeconds: 600,
    });
  });

  it('counts a failed sync that was never retried against the deployment in place', () => {
    const result = figures({
      deployments: [deployed(ago(8), '1.3.0'), failedSync(ago(8, -3), '1.4.0')],
    });
    expect(result.changeFailureRate).toMatchObject({
      failed: 1,
      deployments: 1,
    });
    expect(result.timeToRestore.samples).toBe(0);
    expect(result.timeToRestore.medianSeconds).toBeUndefined();
  });

  it('counts each deployment of an application deleted and created again (its ids restart)', () => {
    const result = figures({
      deployments: [
        deployed(ago(20), '1.1.0', { historyId: 0 }),
        deployed(ago(18), '1.2.0', { historyId: 1 }),
        // Deleted on day 17, created again: its history starts at 0 with what ran last.
        deployed(ago(16), '1.2.0', { historyId: 0 }),
        deployed(ago(12), '1.3.0', { historyId: 1 }),
      ],
    });
    expect(result.deploymentFrequency.deployments).toBe(4);
    expect(result.changeFailureRate.failed).toBe(0);
  });

  it('measures lead time from the commit to Healthy, leaving out a commit after the finish (clock skew)', () => {
    const finish = ago(6);
    const result = figures({
      deployments: [
        deployed(finish, '1.4.0', { commitAt: ago(6, 3) }),
        // Git's clock is ahead of Argo CD's: committed "after" it was deployed.
        deployed(ago(2), '1.4.1', { commitAt: ago(2, -1) }),
      ],
      health: [
        health(finish, 'Progressing'),
        health(
          new Date(Date.parse(finish) + 5 * 60_000).toISOString(),
          'Healthy',
        ),
      ],
    });
    expect(result.leadTime).toMatchObject({
      samples: 1,
      outliers: 1,
      medianSeconds: 3 * 3600 + 300,
    });
    for (const point of result.leadTime.series) {
      expect(point.value === null || point.value >= 0).toBe(true);
    }
  });

  it('counts Degraded after a deployment as its failure, and the time until Healthy as a restore', () => {
    const finish = ago(9);
    const result = figures({
      deployments: [deployed(ago(12), '1.3.0'), deployed(finish, '1.4.0-bad')],
      health: [
        health(ago(12), 'Healthy'),
        health(ago(9, -1), 'Degraded'),
        health(ago(9, -3), 'Healthy'),
        // Replicas each recorded it: the same health twice is one change.
        health(ago(9, -4), 'Healthy'),
      ],
    });
    expect(result.changeFailureRate).toMatchObject({
      failed: 1,
      deployments: 2,
    });
    expect(result.timeToRestore).toMatchObject({
      samples: 1,
      medianSeconds: 2 * 3600,
    });
  });

  it('leaves the figures undefined without deployments, never 0 or NaN', () => {
    const result = figures({ days: 90 });
    expect(result.deploymentFrequency).toMatchObject({
      deployments: 0,
      perWeek: 0,
    });
    expect(result.leadTime.medianSeconds).toBeUndefined();
    expect(result.changeFailureRate.rate).toBeUndefined();
    expect(result.timeToRestore.medianSeconds).toBeUndefined();
    expect(result.changeFailureRate.series.every(p => p.value === null)).toBe(
      true,
    );
    const numbers = JSON.stringify(result).match(/NaN|Infinity/);
    expect(numbers).toBeNull();
    expect(Object.keys(result.definitions).sort()).toEqual([
      'changeFailureRate',
      'deploymentFrequency',
      'leadTime',
      'timeToRestore',
    ]);
  });

  it('puts each figure into weekly buckets over the window, oldest first', () => {
    const result = figures({
      days: 30,
      deployments: [
        deployed(ago(40), '1.0.0'),
        deployed(ago(29), '1.1.0'),
        deployed(ago(1), '1.2.0'),
        deployed(ago(0, 2), '1.3.0'),
      ],
    });
    const counts = result.deploymentFrequency.series.map(p => p.value);
    expect(counts).toEqual([1, 0, 0, 0, 2]);
    expect(result.deploymentFrequency.series[0].start).toBe(ago(30));
    expect(result.deploymentFrequency.perWeek).toBeCloseTo(3 / (30 / 7));
    expect(figures({ days: 90 }).leadTime.series).toHaveLength(13);
  });
});
