import type {
  DoraFigures,
  DoraPoint,
  HealthStatus,
} from '@internal/backstage-plugin-gitops-common';
import type { DeploymentRow, HealthRow } from '../../record/recordRows';

/** A production deployment (or failed sync) as the figures read it. */
export type DoraDeployment = Pick<
  DeploymentRow,
  'appKey' | 'revision' | 'images' | 'finishedAt' | 'result'
> &
  Partial<Pick<DeploymentRow, 'operation' | 'commitAt' | 'historyId'>>;

/** A production application's health change. */
export type DoraHealth = Pick<HealthRow, 'appKey' | 'health' | 'at'>;

export type DoraInput = {
  entityRef: string;
  days: number;
  now: Date;
  productionEnvironments: string[];
  services: number;
  /** Production rows only, from before the window too (what ran before matters). */
  deployments: DoraDeployment[];
  health: DoraHealth[];
  /** How soon after a deployment a rollback, failed sync or Degraded counts against it. */
  failureWindowMs?: number;
};

export const DEFAULT_FAILURE_WINDOW_MS = 24 * 3_600_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const BAD_HEALTH: HealthStatus[] = ['Degraded', 'Missing'];

export function doraDefinitions(failureWindowMs = DEFAULT_FAILURE_WINDOW_MS) {
  const hours = Math.round(failureWindowMs / 3_600_000);
  return {
    deploymentFrequency:
      'Successful deployments to a production environment (a rollback is a deployment too; a failed sync and its retry are one), per week.',
    leadTime:
      'Median time from the commit of the deployed revision to the application running it Synced and Healthy in production. A commit time after the deployment finished (clock skew between git and Argo CD) is left out and counted as an outlier.',
    changeFailureRate: `Share of production deployments followed within ${hours} h by a rollback, a failed sync or Degraded (a failed sync that was retried counts against the retried deployment).`,
    timeToRestore:
      'Median time from Degraded, Missing or a failed sync to Healthy again in production; for a deployment undone by a rollback with no health change on record, until the rollback ran.',
  };
}

const median = (values: number[]): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const sameImages = (a: string[], b: string[]) =>
  a.length > 0 &&
  a.length === b.length &&
  [...a].sort().join() === [...b].sort().join();

type Deployed = DoraDeployment & { time: number };
type Sample = { time: number; value: number };

/** Per application: its successful deployments, failed syncs and health changes, oldest first. */
function byApplication(input: DoraInput) {
  const apps = new Map<
    string,
    {
      deployed: Deployed[];
      failed: Array<{ time: number; revision: string }>;
      health: Array<{ time: number; health: HealthStatus }>;
    }
  >();
  const of = (key: string) => {
    let app = apps.get(key);
    if (!app) apps.set(key, (app = { deployed: [], failed: [], health: [] }));
    return app;
  };
  for (const d of input.deployments) {
    const time = Date.parse(d.finishedAt);
    if (Number.isNaN(time)) continue;
    if (d.result === 'Succeeded') of(d.appKey).deployed.push({ ...d, time });
    else of(d.appKey).failed.push({ time, revision: d.revision });
  }
  for (const h of input.health) {
    const time = Date.parse(h.at);
    if (!Number.isNaN(time))
      of(h.appKey).health.push({ time, health: h.health });
  }
  for (const app of apps.values()) {
    app.deployed.sort((a, b) => a.time - b.time);
    app.failed.sort((a, b) => a.time - b.time);
    app.health.sort((a, b) => a.time - b.time);
    // Replicas may each have seen a change: the same health twice in a row is one change.
    app.health = app.health.filter(
      (h, i) => i === 0 || app.health[i - 1].health !== h.health,
    );
  }
  return apps;
}

/** Whether `d` (index i) went back to what ran before the deployment it replaced. */
function isRollback(deployed: Deployed[], i: number): boolean {
  const d = deployed[i];
  if (d.operation === 'rollback') return true;
  if (i < 1) return false;
  const replaced = deployed[i - 1];
  const differs =
    d.revision !== replaced.revision && !sameImages(d.images, replaced.images);
  if (!differs) return false;
  return deployed
    .slice(0, i - 1)
    .some(
      earlier =>
        (d.revision && earlier.revision === d.revision) ||
        sameImages(earlier.images, d.images),
    );
}

type Application = ReturnType<typeof byApplication> extends Map<string, infer A>
  ? A
  : never;

/** Which deployments (by index) were failed changes. */
function failedChanges(app: Application, windowMs: number): Set<number> {
  const { deployed, failed, health } = app;
  const failedChange = new Set<number>();
  deployed.forEach((d, i) => {
    const next = deployed[i + 1];
    if (next && next.time - d.time <= windowMs && isRollback(deployed, i + 1)) {
      failedChange.add(i);
    }
    const until = Math.min(d.time + windowMs, next?.time ?? Infinity);
    if (
      health.some(
        h =>
          BAD_HEALTH.includes(h.health) && h.time >= d.time && h.time < until,
      )
    ) {
      failedChange.add(i);
    }
  });
  for (const f of failed) {
    const retry = deployed.findIndex(d => d.time >= f.time);
    const inPlace = (retry === -1 ? deployed.length : retry) - 1;
    const retried =
      retry !== -1 &&
      deployed[retry].time - f.time <= windowMs &&
      (!f.revision || deployed[retry].revision === f.revision);
    // The failed sync and its successful retry are one change, which failed once; a sync
    // that was never retried counts against the deployment it left in place.
    if (retried) failedChange.add(retry);
    else if (inPlace >= 0 && f.time - deployed[inPlace].time <= windowMs) {
      failedChange.add(inPlace);
    }
  }
  return failedChange;
}

/** When the application ran deployment `i` Synced and Healthy (undefined: not before the next). */
function healthyAt(app: Application, i: number): number | undefined {
  const { deployed, health } = app;
  const d = deployed[i];
  const before = [...health].reverse().find(h => h.time <= d.time);
  if (!before || before.health === 'Healthy') return d.time;
  const limit = deployed[i + 1]?.time ?? Infinity;
  return health.find(
    h => h.time > d.time && h.time < limit && h.health === 'Healthy',
  )?.time;
}

/** Restores: from the first bad sign (Degraded, Missing, a failed sync) to Healthy again. */
function restoresOf(app: Application): Sample[] {
  const events = [
    ...app.health.map(h => ({ time: h.time, kind: h.health as string })),
    ...app.failed.map(f => ({ time: f.time, kind: 'failed' })),
    ...app.deployed.map(d => ({ time: d.time, kind: 'deployed' })),
  ].sort((a, b) => a.time - b.time);
  const out: Sample[] = [];
  let healthBad = false;
  let syncFailed = false;
  let openedAt: number | undefined;
  for (const e of events) {
    if (e.kind === 'failed') syncFailed = true;
    else if (e.kind === 'deployed') syncFailed = false;
    else if (e.kind === 'Healthy') healthBad = false;
    else if (BAD_HEALTH.includes(e.kind as HealthStatus)) healthBad = true;
    const bad = healthBad || syncFailed;
    if (bad && openedAt === undefined) openedAt = e.time;
    if (!bad && openedAt !== undefined) {
      out.push({ time: e.time, value: (e.time - openedAt) / 1000 });
      openedAt = undefined;
    }
  }
  return out;
}

/**
 * Restores the health record can't tell: a deployment undone by a rollback with no health change
 * or failed sync on record between them (history older than the record, which Argo CD's own
 * history holds without health) was restored when the rollback ran.
 */
function rollbackRestores(app: Application, windowMs: number): Sample[] {
  const { deployed, health, failed } = app;
  const out: Sample[] = [];
  deployed.forEach((d, i) => {
    const next = deployed[i + 1];
    if (!next || next.time - d.time > windowMs) return;
    if (!isRollback(deployed, i + 1)) return;
    const between = (t: number) => t >= d.time && t <= next.time;
    if (health.some(h => between(h.time)) || failed.some(f => between(f.time)))
      return;
    out.push({ time: next.time, value: (next.time - d.time) / 1000 });
  });
  return out;
}

/**
 * The four DORA figures over the record's production rows of a set of services, with a weekly
 * series each. Pure: no clock, no I/O. Without a deployment (or a sample) a figure is undefined,
 * never 0 or NaN.
 */
export function doraFigures(input: DoraInput): DoraFigures {
  const windowMs = input.failureWindowMs ?? DEFAULT_FAILURE_WINDOW_MS;
  const to = input.now.getTime();
  const from = to - input.days * DAY_MS;
  const inWindow = (t: number) => t >= from && t <= to;

  const deployments: Sample[] = [];
  const outcomes: Array<{ time: number; failed: boolean }> = [];
  const leadTimes: Sample[] = [];
  const restores: Sample[] = [];
  let outliers = 0;

  for (const app of byApplication(input).values()) {
    const failedChange = failedChanges(app, windowMs);
    for (let i = 0; i < app.deployed.length; i++) {
      const d = app.deployed[i];
      if (!inWindow(d.time)) continue;
      deployments.push({ time: d.time, value: 1 });
      outcomes.push({ time: d.time, failed: failedChange.has(i) });
      const committed = d.commitAt ? Date.parse(d.commitAt) : NaN;
      if (Number.isNaN(committed)) continue;
      if (committed > d.time) {
        // Git's clock ahead of Argo CD's: no honest lead time to take.
        outliers++;
        continue;
      }
      const healthy = healthyAt(app, i);
      if (healthy !== undefined) {
        leadTimes.push({ time: d.time, value: (healthy - committed) / 1000 });
      }
    }
    restores.push(
      ...[...restoresOf(app), ...rollbackRestores(app, windowMs)].filter(r =>
        inWindow(r.time),
      ),
    );
  }

  const weeks = Math.ceil((to - from) / WEEK_MS);
  const series = (
    pick: (lo: number, hi: number) => number | null,
  ): DoraPoint[] =>
    Array.from({ length: weeks }, (_, w) => {
      const lo = from + w * WEEK_MS;
      const hi = Math.min(lo + WEEK_MS, to + 1);
      return { start: new Date(lo).toISOString(), value: pick(lo, hi) };
    });
  const within = <T extends { time: number }>(
    items: T[],
    lo: number,
    hi: number,
  ) => items.filter(x => x.time >= lo && x.time < hi);
  const failedCount = outcomes.filter(o => o.failed).length;
  const rateOf = (items: typeof outcomes) =>
    items.length
      ? items.filter(o => o.failed).length / items.length
      : undefined;
  const leadMedian = median(leadTimes.map(s => s.value));
  const restoreMedian = median(restores.map(s => s.value));
  const rate = rateOf(outcomes);

  return {
    entityRef: input.entityRef,
    days: input.days,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    productionEnvironments: input.productionEnvironments,
    services: input.services,
    deploymentFrequency: {
      deployments: deployments.length,
      perWeek: deployments.length / (input.days / 7),
      series: series((lo, hi) => within(deployments, lo, hi).length),
    },
    leadTime: {
      ...(leadMedian !== undefined ? { medianSeconds: leadMedian } : {}),
      samples: leadTimes.length,
      outliers,
      series: series(
        (lo, hi) => median(within(leadTimes, lo, hi).map(s => s.value)) ?? null,
      ),
    },
    changeFailureRate: {
      failed: failedCount,
      deployments: outcomes.length,
      ...(rate !== undefined ? { rate } : {}),
      series: series((lo, hi) => rateOf(within(outcomes, lo, hi)) ?? null),
    },
    timeToRestore: {
      ...(restoreMedian !== undefined ? { medianSeconds: restoreMedian } : {}),
      samples: restores.length,
      series: series(
        (lo, hi) => median(within(restores, lo, hi).map(s => s.value)) ?? null,
      ),
    },
    definitions: doraDefinitions(windowMs),
  };
}
