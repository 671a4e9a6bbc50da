import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { matchesLabelSelector } from '../entities/labelSelector';
import { appQueryOf, workloadSpecOf } from '../entities/workloads';
import { appKey, type AppStore } from '../store/AppStore';

/**
 * Which annotated entities an application belongs to (the reverse of their annotations), for
 * the promotion that caused a deployment. Asked only when a deployment is recorded, so it
 * looks through the mirrored entities and keeps the answer per application until an entity
 * changes.
 */
export class AppEntities {
  private readonly known = new Map<string, string[]>();

  constructor(
    private readonly deps: {
      entities: () => Entity[];
      accepts: AppStore['accepts'];
    },
  ) {}

  /** Forget what was worked out (an entity came, changed or went). */
  clear() {
    this.known.clear();
  }

  of(app: DeploymentApp): string[] {
    const key = appKey(app);
    let refs = this.known.get(key);
    if (!refs) {
      refs = [];
      for (const entity of this.deps.entities()) {
        const query = appQueryOf(workloadSpecOf(entity));
        if (!this.deps.accepts(query, app)) continue;
        const selector = query.selector ?? [];
        if (
          query.names?.includes(app.name) ||
          (selector.length > 0 && matchesLabelSelector(selector, app.labels))
        ) {
          refs.push(stringifyEntityRef(entity));
        }
      }
      this.known.set(key, refs);
    }
    return refs;
  }
}
