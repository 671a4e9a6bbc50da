import type { CompoundEntityRef } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { EntityOverview } from '@internal/backstage-plugin-gitops-common';
import type { GitopsApi } from '../api';
import { perApi, SharedQueries, type SharedState } from './sharedQueries';

/** What a card sees of an entity's overview. */
export type OverviewState = SharedState<EntityOverview>;

/** One overview per entity and cost window, shared by every card of the page. */
export class OverviewStore extends SharedQueries<EntityOverview> {
  constructor(private readonly api: GitopsApi) {
    super();
  }

  static key(entity: CompoundEntityRef, costWindow?: string): string {
    return `${stringifyEntityRef(entity)}|${costWindow ?? ''}`;
  }

  /** Loads unless a load of the same key is already under way; keeps the last value meanwhile. */
  load(
    key: string,
    entity: CompoundEntityRef,
    costWindow?: string,
  ): Promise<void> {
    return this.read(key, () =>
      this.api.getOverview(entity, costWindow ? { costWindow } : undefined),
    );
  }
}

export const overviewStoreFor = perApi(api => new OverviewStore(api));
