import type { Entity } from '@backstage/catalog-model';
import type {
  EntityResources,
  ResourceNode,
} from '@internal/backstage-plugin-gitops-common';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { workloadSpecOf } from '../entities/workloads';
import type { GitopsStore } from '../store/GitopsStore';
import { describeError } from '../util/errors';
import type { OverviewBuilder } from './overviewBuilder';
import { PerAppCache } from './perAppCache';

/**
 * The resource trees of an entity's applications for the GitOps tab: asked of the source once
 * per application and kept while the application's resourceVersion stays the one it was read
 * at (any event that moves it, a reconciliation too, drops it), so a tab view of unchanged
 * applications makes no upstream call; concurrent misses share one. A re-list or a history
 * fill that brings the same version keeps the tree.
 */
export class ResourcesView {
  private readonly trees = new PerAppCache<ResourceNode[]>({ max: 5_000 });

  constructor(
    private readonly deps: {
      store: GitopsStore;
      builder: OverviewBuilder;
      appsOf: (entity: Entity) => DeploymentApp[];
    },
  ) {
    deps.store.apps.onChange(change => {
      const version = change.after?.resourceVersion;
      if (
        !change.after ||
        version === undefined ||
        version !== this.trees.versionOf(change.key)
      ) {
        this.trees.delete(change.key);
      }
    });
  }

  /** One application's tree, from the cache while its version stays. */
  treeOf(app: DeploymentApp): Promise<ResourceNode[]> {
    return this.trees.get(app, async () => {
      const source = this.deps.store.deployments.get(app.instance);
      if (!source?.getResources) return [];
      return source.getResources({ name: app.name, namespace: app.namespace });
    });
  }

  async resources(entity: Entity, window: string): Promise<EntityResources> {
    const spec = workloadSpecOf(entity);
    const apps = this.deps.appsOf(entity);
    const failures = new Map<string, string>();
    const applications = await Promise.all(
      apps.map(async app => {
        let resources: ResourceNode[] = [];
        try {
          resources = await this.treeOf(app);
        } catch (error) {
          const source = this.deps.store.deployments.get(app.instance);
          failures.set(app.instance, describeError(error, source?.secrets));
        }
        return {
          instance: app.instance,
          name: app.name,
          environment: this.deps.builder.environmentOf(app),
          resources,
        };
      }),
    );
    const sources = this.deps.builder.sources(spec, window, false).map(s => {
      const failure = failures.get(s.name);
      return s.kind === 'deployment' && failure
        ? { ...s, status: 'error' as const, error: failure }
        : s;
    });
    return { entityRef: spec.entityRef, applications, sources };
  }
}
