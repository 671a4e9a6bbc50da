import type { LoggerService } from '@backstage/backend-plugin-api';
import type { GitopsConfig } from '../../config';
import type { EntityMirror } from '../../entities/EntityMirror';
import { EstateMembership } from '../../entities/membership';
import type { GitopsStore } from '../../store/GitopsStore';
import type { EntityViews } from '../EntityViews';
import { EstateViews } from './EstateViews';

/**
 * The estates of groups and systems, wired to what they follow: the mirror's entities (who
 * the members are), the members' overviews (recomputed when one changes) and a publisher for
 * the estates that changed (their open pages refetch).
 */
export function createEstates(deps: {
  config: GitopsConfig;
  windows: string[];
  store: GitopsStore;
  costSources: Array<{ cluster: string; provider: string }>;
  views: EntityViews;
  mirror: EntityMirror;
  now: () => Date;
  logger: LoggerService;
  publish: (estateRef: string) => void;
}) {
  const membership = new EstateMembership();
  deps.mirror.onChange(change => membership.onEntity(change));
  const estates = new EstateViews({
    membership,
    overviewOf: (ref, window) => deps.views.get(ref, window),
    store: deps.store,
    costSources: deps.costSources,
    windows: deps.windows,
    environments: deps.config.environments,
    productionEnvironments: deps.config.productionEnvironments,
    now: deps.now,
    logger: deps.logger,
  });
  deps.views.onChanged(refs => estates.onViewsChanged(refs));
  estates.onChanged(refs => refs.forEach(ref => deps.publish(ref)));
  /** Tells the open pages of an entity and of its groups and systems that it changed. */
  const publishWithEstates = (entityRef: string) => {
    deps.publish(entityRef);
    for (const ref of membership.estatesOf(entityRef)) deps.publish(ref);
  };
  return { membership, estates, publishWithEstates };
}
