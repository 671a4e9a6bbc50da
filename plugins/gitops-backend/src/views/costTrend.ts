import type { CacheService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  EntityCostTrend,
  SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import type {
  CostRow,
  CostSource,
  DeploymentApp,
} from '@internal/backstage-plugin-gitops-node';
import { workloadSpecOf } from '../entities/workloads';
import type { GitopsStore } from '../store/GitopsStore';
import { describeError } from '../util/errors';
import { Singleflight } from '../util/singleflight';
import { costClustersOf, rowsOf } from './costAndBackup';
import type { OverviewBuilder } from './overviewBuilder';
import { roundCents } from '../util/money';

/**
 * The daily cost of an entity's environments, asked of the cost engine only when a card wants
 * it and only for the entity's namespaces, then kept `ttlMs` (allocation data has hourly
 * resolution at best) in the CacheService, so replicas share it.
 */
export class CostTrendView {
  private readonly flights = new Singleflight();

  constructor(
    private readonly deps: {
      store: GitopsStore;
      builder: OverviewBuilder;
      costSources: Map<string, CostSource>;
      cache: CacheService;
      ttlMs: number;
      appsOf: (entity: Entity) => DeploymentApp[];
    },
  ) {}

  private daily(
    source: CostSource,
    window: string,
    namespaces: string[],
  ): Promise<CostRow[]> {
    const key = `gitops:cost-trend:v1:${source.cluster}:${window}:${[
      ...namespaces,
    ]
      .sort()
      .join(',')}`;
    return this.flights.do(key, async () => {
      const cached = await this.deps.cache.get<CostRow[]>(key);
      if (cached) return cached;
      const rows = await source.getDaily({ window, namespaces });
      await this.deps.cache.set(key, rows as any, { ttl: this.deps.ttlMs });
      return rows;
    });
  }

  async trend(entity: Entity, window: string): Promise<EntityCostTrend> {
    const { store, builder, costSources } = this.deps;
    const spec = workloadSpecOf(entity);
    const envs = builder
      .byEnvironment(this.deps.appsOf(entity))
      .map(([name, apps]) => ({ name, ...builder.placement(apps) }));
    // Per cluster, every namespace of the entity it holds: one query per cluster.
    const perCluster = new Map<string, Set<string>>();
    const clustersOfEnv = new Map<string, string[]>();
    for (const env of envs) {
      const clusters = costClustersOf({
        store,
        clusters: [...costSources.keys()],
        window,
        namespaces: env.namespaces,
        explicit: env.explicit,
      }).map(t => t.cluster);
      clustersOfEnv.set(env.name, clusters);
      for (const c of clusters) {
        const set = perCluster.get(c) ?? new Set<string>();
        env.namespaces.forEach(ns => set.add(ns));
        perCluster.set(c, set);
      }
    }
    const rows = new Map<string, CostRow[]>();
    const sources: SourceStatus[] = [];
    await Promise.all(
      [...perCluster].map(async ([cluster, namespaces]) => {
        const source = costSources.get(cluster)!;
        try {
          rows.set(cluster, await this.daily(source, window, [...namespaces]));
          sources.push({
            kind: 'cost',
            provider: source.provider,
            name: cluster,
            status: 'ok',
          });
        } catch (error) {
          sources.push({
            kind: 'cost',
            provider: source.provider,
            name: cluster,
            status: 'error',
            error: describeError(error, source.secrets),
          });
        }
      }),
    );
    const environments = envs.flatMap(env => {
      const clusters = clustersOfEnv.get(env.name) ?? [];
      const byDate = new Map<string, number>();
      let currency: string | undefined;
      for (const cluster of clusters) {
        const source = costSources.get(cluster)!;
        const inEnv = (rows.get(cluster) ?? []).filter(
          r => r.namespace && env.namespaces.includes(r.namespace),
        );
        if (!rows.has(cluster)) continue;
        currency ??= source.currency;
        for (const r of rowsOf(inEnv, source.labelKey, spec.costSelector)) {
          if (r.date) byDate.set(r.date, (byDate.get(r.date) ?? 0) + r.total);
        }
      }
      if (!currency) return [];
      return [
        {
          name: env.name,
          currency,
          daily: [...byDate.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([date, total]) => ({ date, total: roundCents(total) })),
        },
      ];
    });
    return { entityRef: spec.entityRef, window, environments, sources };
  }
}
