import type { Entity } from '@backstage/catalog-model';
import type {
  EntityDiffs,
  ResourceDiff,
  SyncStatus,
} from '@internal/backstage-plugin-gitops-common';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { workloadSpecOf } from '../../entities/workloads';
import type { PerAppCache } from '../perAppCache';
import {
  askedOnOpenCache,
  perApplication,
  type AskedOnOpenDeps,
} from '../perApplication';
import { resourceDiff } from './resourceDiff';

/**
 * What differs between git and the cluster for an entity's applications: their managed
 * resources (desired and live) read from the source when a person opens the diff or a Sync
 * confirmation, reduced to the resources that differ. Kept per application while its
 * resourceVersion stays (the engine's refresh after a drift moves it) and at most `maxAgeMs`.
 */
export class DiffView {
  private readonly cache: PerAppCache<ResourceDiff[]>;

  constructor(private readonly deps: AskedOnOpenDeps) {
    this.cache = askedOnOpenCache(deps);
  }

  private diffsOf(app: DeploymentApp): Promise<ResourceDiff[]> {
    return this.cache.get(app, async () => {
      const source = this.deps.store.deployments.get(app.instance);
      if (!source?.getManagedResources) return [];
      const resources = await source.getManagedResources({
        name: app.name,
        namespace: app.namespace,
      });
      return resources.flatMap(r => resourceDiff(r) ?? []);
    });
  }

  /** The differing resources of the entity's applications, or of the one named `instance/name`. */
  async diffs(entity: Entity, only?: string): Promise<EntityDiffs> {
    const applications = await perApplication(
      this.deps,
      entity,
      only,
      async app => ({
        sync: app.sync as SyncStatus | undefined,
        resources: await this.diffsOf(app),
      }),
      { sync: undefined, resources: [] as ResourceDiff[] },
    );
    return { entityRef: workloadSpecOf(entity).entityRef, applications };
  }
}
