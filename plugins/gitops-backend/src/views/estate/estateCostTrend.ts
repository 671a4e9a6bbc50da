import type { Entity } from '@backstage/catalog-model';
import {
  sortEnvironments,
  type EntityCostTrend,
  type SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import { forEachLimit } from '../../util/concurrency';
import { worstOfEachSource } from './composeEstate';
import { roundCents } from '../../util/money';

/**
 * The daily cost of an estate per environment: each member's trend (CostTrendView's, asked of
 * the cost engine for that member's namespaces and cached), summed per environment and day. A
 * cost engine that fails marks its source and leaves out only its part.
 */
export async function estateCostTrend(options: {
  entityRef: string;
  window: string;
  members: Entity[];
  /** Environments in promotion order (`gitops.environments`). */
  order: string[];
  trendOf: (entity: Entity, window: string) => Promise<EntityCostTrend>;
  /** Members asked at once (each may ask the cost engines on a cold cache). */
  concurrency?: number;
}): Promise<EntityCostTrend> {
  const { window } = options;
  const byEnv = new Map<
    string,
    { currency: string; byDate: Map<string, number> }
  >();
  const sources: SourceStatus[] = [];
  await forEachLimit(options.members, options.concurrency ?? 4, async m => {
    const trend = await options.trendOf(m, window);
    for (const env of trend.environments) {
      let sum = byEnv.get(env.name);
      if (!sum) {
        sum = { currency: env.currency, byDate: new Map() };
        byEnv.set(env.name, sum);
      }
      for (const point of env.daily) {
        sum.byDate.set(
          point.date,
          (sum.byDate.get(point.date) ?? 0) + point.total,
        );
      }
    }
    sources.push(...trend.sources);
  });
  return {
    entityRef: options.entityRef,
    window,
    environments: sortEnvironments(byEnv.keys(), options.order).map(name => {
      const { currency, byDate } = byEnv.get(name)!;
      return {
        name,
        currency,
        daily: [...byDate]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([date, total]) => ({ date, total: roundCents(total) })),
      };
    }),
    sources: worstOfEachSource(sources),
  };
}
