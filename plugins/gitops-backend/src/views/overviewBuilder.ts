import type { Entity } from '@backstage/catalog-model';
import {
  sortEnvironments,
  type EntityOverview,
  type EnvironmentOverview,
  type SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import type { GitopsConfig } from '../config';
import type { WorkloadSpec } from '../entities/workloads';
import { GitopsStore, costKey } from '../store/GitopsStore';
import { backupOf, costOf } from './costAndBackup';
import { environmentOf, summarize, versionOf } from './applications';

/** The part of an overview that is the same for every user (no permissions). */
export type OverviewContent = Omit<EntityOverview, 'asOf' | 'permissions'>;

const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

export type OverviewBuilderOptions = {
  config: GitopsConfig;
  store: GitopsStore;
  /** The cost and backup sources' clusters, with their providers. */
  costSources: Array<{ cluster: string; provider: string }>;
  backupSources: Array<{ cluster: string; provider: string }>;
  promotionsConfigured: boolean;
};

/**
 * Builds an entity's overview from the store alone: its applications per environment with
 * their version, and per environment the cost (totals of the window) and the backups.
 */
export class OverviewBuilder {
  private readonly costClusters: string[];
  private readonly backupClusters: string[];

  constructor(private readonly options: OverviewBuilderOptions) {
    this.costClusters = options.costSources.map(s => s.cluster);
    this.backupClusters = options.backupSources.map(s => s.cluster);
  }

  environmentOf(app: DeploymentApp) {
    return environmentOf(app, this.options.config);
  }

  /** The cluster an application deploys to, when config or the destination tells. */
  private explicitCluster(
    app: DeploymentApp,
    known: Set<string>,
  ): string | undefined {
    const instance = this.options.config.argocd.instances.find(
      i => i.name === app.instance,
    );
    const dest = app.destination ?? {};
    const mapped =
      (dest.server && instance?.destinationClusters?.[dest.server]) ||
      (dest.name && instance?.destinationClusters?.[dest.name]);
    if (mapped) return mapped;
    if (dest.name && known.has(dest.name)) return dest.name;
    const inCluster =
      dest.server === IN_CLUSTER_SERVER || dest.name === 'in-cluster';
    if (inCluster && instance?.cluster) return instance.cluster;
    return undefined;
  }

  /** The entity's applications by environment, in promotion order. */
  byEnvironment(apps: DeploymentApp[]): Array<[string, DeploymentApp[]]> {
    const byEnv = new Map<string, DeploymentApp[]>();
    for (const app of apps) {
      const env = this.environmentOf(app);
      byEnv.set(env, [...(byEnv.get(env) ?? []), app]);
    }
    return sortEnvironments(byEnv.keys(), this.options.config.environments).map(
      env => [env, byEnv.get(env)!],
    );
  }

  /** Per environment: its namespaces and the clusters its applications say they run in. */
  placement(apps: DeploymentApp[]) {
    const known = new Set([...this.costClusters, ...this.backupClusters]);
    const namespaces = [
      ...new Set(
        apps
          .map(a => a.destination?.namespace)
          .filter((n): n is string => Boolean(n)),
      ),
    ];
    const explicit = new Set(
      apps
        .map(a => this.explicitCluster(a, known))
        .filter((c): c is string => Boolean(c)),
    );
    return { namespaces, explicit };
  }

  sources(
    spec: WorkloadSpec,
    window: string,
    hasApps: boolean,
  ): SourceStatus[] {
    const { store } = this.options;
    const instances = [...store.deployments.keys()].filter(
      name => !spec.instance || name === spec.instance,
    );
    const sources = instances.map(name => store.deploymentStatus(name));
    if (spec.instance && instances.length === 0) {
      sources.push({
        kind: 'deployment',
        provider: 'argocd',
        name: spec.instance,
        status: 'error',
        error: `Argo CD instance "${spec.instance}" is not configured`,
      });
    }
    if (hasApps) {
      for (const { cluster, provider } of this.options.costSources) {
        sources.push(
          GitopsStore.entryStatus(
            'cost',
            provider,
            cluster,
            store.costs.get(costKey(cluster, window)),
          ),
        );
      }
      for (const { cluster, provider } of this.options.backupSources) {
        sources.push(
          GitopsStore.entryStatus(
            'backup',
            provider,
            cluster,
            store.backups.get(cluster),
          ),
        );
      }
    }
    for (const problem of spec.problems) {
      sources.push({
        kind: 'deployment',
        provider: 'catalog',
        name: 'annotations',
        status: 'error',
        error: problem,
      });
    }
    return sources;
  }

  build(options: {
    entity: Entity;
    spec: WorkloadSpec;
    apps: DeploymentApp[];
    window: string;
    now: Date;
  }): OverviewContent {
    const { entity, spec, apps, window, now } = options;
    const { config, store } = this.options;
    const rpoTarget = config.velero.rpoTargetHours;
    const environments: EnvironmentOverview[] = this.byEnvironment(apps).map(
      ([name, envApps]) => {
        const { namespaces, explicit } = this.placement(envApps);
        const cost = costOf({
          store,
          clusters: this.costClusters,
          window,
          namespaces,
          explicit,
          costSelector: spec.costSelector,
        });
        const backup = backupOf({
          store,
          clusters: this.backupClusters,
          namespaces,
          explicit,
          costClusters: cost.clusters,
          now,
          rpoTargetSeconds: rpoTarget
            ? Math.round(rpoTarget * 3600)
            : undefined,
        });
        return {
          name,
          applications: envApps
            .map(a => summarize(a, store.deployments.get(a.instance), config))
            .sort((a, b) => a.name.localeCompare(b.name)),
          version: versionOf(envApps, entity.metadata.name),
          ...(cost.value ? { cost: cost.value } : {}),
          ...(backup ? { backup } : {}),
        };
      },
    );
    return {
      entityRef: spec.entityRef,
      environments,
      sources: this.sources(spec, window, apps.length > 0),
      promotionsConfigured: this.options.promotionsConfigured,
    };
  }
}
