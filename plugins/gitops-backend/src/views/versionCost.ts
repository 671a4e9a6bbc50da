import type { Entity } from '@backstage/catalog-model';
import type {
  CostTrendPoint,
  DeploymentHistoryEntry,
  VersionCost,
} from '@internal/backstage-plugin-gitops-common';
import { imageName, imageTag } from '../entities/workloads';
import type { CostTrendView } from './costTrend';
import type { HistoryView } from './history';
import { roundCents } from '../util/money';

const DAY_MS = 86_400_000;

/** A stretch of time an environment ran one version. */
export type VersionPeriod = { version: string; start: number; end: number };

/** The version a deployment brought: the tag of the entity's own image, else the one tag all share. */
export function deployedVersion(
  images: string[],
  entityName: string,
): string | undefined {
  const own = images.filter(i => imageName(i) === entityName);
  const tags = new Set(
    (own.length ? own : images).map(imageTag).filter(Boolean),
  );
  return tags.size === 1 ? [...tags][0] : undefined;
}

/**
 * The periods an environment ran each version, oldest first, from its deployments. A
 * deployment whose version is not known (Argo CD's own history keeps no images) neither starts
 * nor ends a period; a redeploy of the running version continues it.
 */
export function versionPeriods(
  deployments: Array<{ version?: string; at: number }>,
  now: number,
): VersionPeriod[] {
  const known = deployments
    .filter((d): d is { version: string; at: number } => Boolean(d.version))
    .sort((a, b) => a.at - b.at);
  const periods: VersionPeriod[] = [];
  for (const d of known) {
    const last = periods[periods.length - 1];
    if (last?.version === d.version) continue;
    if (last) last.end = d.at;
    periods.push({ version: d.version, start: d.at, end: now });
  }
  return periods;
}

/** Mean cost of the whole UTC days inside a period (a day it only partly ran is left out). */
export function perDayWithin(
  period: VersionPeriod,
  daily: CostTrendPoint[],
): { perDay?: number; days: number } {
  const inside = daily.filter(p => {
    const start = Date.parse(`${p.date.slice(0, 10)}T00:00:00Z`);
    return start >= period.start && start + DAY_MS <= period.end;
  });
  if (!inside.length) return { days: 0 };
  const sum = inside.reduce((s, p) => s + p.total, 0);
  return {
    perDay: roundCents(sum / inside.length),
    days: inside.length,
  };
}

/** The cost per day at `version` against the version before it, or why it can't be told. */
export function compareVersionCost(input: {
  version: string;
  periods: VersionPeriod[];
  daily: CostTrendPoint[];
}): Pick<
  VersionCost,
  | 'state'
  | 'reason'
  | 'since'
  | 'perDay'
  | 'days'
  | 'previousVersion'
  | 'previousPerDay'
  | 'previousDays'
  | 'change'
> {
  const { version, periods, daily } = input;
  const at = periods.map(p => p.version).lastIndexOf(version);
  if (at < 0) {
    return {
      state: 'not-enough-data',
      reason: `no deployment of ${version} is on record here`,
    };
  }
  const current = periods[at];
  const since = new Date(current.start).toISOString();
  const mine = perDayWithin(current, daily);
  const before = periods[at - 1];
  const theirs = before ? perDayWithin(before, daily) : { days: 0 };
  const known = {
    since,
    ...(mine.perDay !== undefined ? { perDay: mine.perDay } : {}),
    days: mine.days,
    ...(before ? { previousVersion: before.version } : {}),
    ...(theirs.perDay !== undefined ? { previousPerDay: theirs.perDay } : {}),
    previousDays: theirs.days,
  };
  if (mine.perDay === undefined) {
    return {
      ...known,
      state: 'not-enough-data',
      reason: `${version} has run less than a full day`,
    };
  }
  if (!before || theirs.perDay === undefined) {
    return {
      ...known,
      state: 'not-enough-data',
      reason: before
        ? `${before.version} ran less than a full day in the cost window`
        : `no earlier version is on record here`,
    };
  }
  return {
    ...known,
    state: 'ok',
    ...(theirs.perDay > 0 ? { change: mine.perDay / theirs.perDay - 1 } : {}),
  };
}

/**
 * What an environment of an entity costs per day at a version compared with the one before,
 * from the deployment history (the record) and the entity's daily cost trend (cached).
 */
export class VersionCostView {
  constructor(
    private readonly deps: {
      history: HistoryView;
      costTrend: CostTrendView;
      /** The cost window the daily trend is asked over (the longest configured). */
      window: string;
      now: () => number;
    },
  ) {}

  async versionCost(
    entity: Entity,
    environment: string,
    version: string,
  ): Promise<VersionCost> {
    const [history, trend] = await Promise.all([
      this.deps.history.history(entity, this.deps.window),
      this.deps.costTrend.trend(entity, this.deps.window),
    ]);
    const base = {
      entityRef: trend.entityRef,
      environment,
      version,
      sources: trend.sources,
    };
    const costs = trend.environments.find(e => e.name === environment);
    if (!costs) {
      return {
        ...base,
        state: 'no-cost',
        reason: `no cost engine answered for ${environment}`,
      };
    }
    const periods = versionPeriods(
      history.entries
        .filter(e => e.environment === environment)
        .flatMap((e: DeploymentHistoryEntry) =>
          e.deployedAt
            ? [
                {
                  version: deployedVersion(e.images, entity.metadata.name),
                  at: Date.parse(e.deployedAt),
                },
              ]
            : [],
        ),
      this.deps.now(),
    );
    return {
      ...base,
      currency: costs.currency,
      ...compareVersionCost({ version, periods, daily: costs.daily }),
    };
  }
}
