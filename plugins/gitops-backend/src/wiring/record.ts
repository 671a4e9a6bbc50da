import type {
  CacheService,
  DatabaseService,
  LifecycleService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { isProductionIn } from '@internal/backstage-plugin-gitops-common';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import type { GitopsConfig } from '../config';
import type { EntityMirror } from '../entities/EntityMirror';
import type { PromotionService } from '../promotion';
import { DeploymentRecorder } from '../record/DeploymentRecorder';
import { DeploymentRecordStore } from '../record/DeploymentRecordStore';
import { RevisionMetadataCache } from '../record/revisionMetadata';
import { appKey } from '../store/AppStore';
import type { GitopsStore } from '../store/GitopsStore';
import type { AppDetails } from '../views/AppDetails';
import { DoraView } from '../views/dora/DoraView';
import type { EntityViews } from '../views/EntityViews';
import { HistoryView } from '../views/history';
import type { OverviewBuilder } from '../views/overviewBuilder';

/** Promotions looked at per entity when a deployment is linked to the one that caused it. */
const PROMOTIONS_PER_ENTITY = 50;

/**
 * The deployment record: written from the store's changes of the applications the pages show
 * (every replica writes, each row lands once), read by the history tab and the DORA figures.
 */
export async function createDeploymentRecord(deps: {
  config: GitopsConfig;
  database: DatabaseService;
  cache: CacheService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  store: GitopsStore;
  views: EntityViews;
  mirror: EntityMirror;
  builder: OverviewBuilder;
  details: AppDetails;
  appsOf: (entity: Entity) => DeploymentApp[];
  now: () => Date;
  /** Undefined when promotions are off. */
  promotions?: PromotionService;
}): Promise<{
  history: HistoryView;
  dora: DoraView;
  recorder: DeploymentRecorder;
}> {
  const { config, store, views, mirror, builder, logger, promotions } = deps;
  const record = await DeploymentRecordStore.create(deps.database, deps.now);
  const revisions = new RevisionMetadataCache({ store, cache: deps.cache });
  const recorder = new DeploymentRecorder({
    record,
    environmentOf: app => builder.environmentOf(app),
    isProduction: isProductionIn(config.productionEnvironments),
    shows: key => views.shows(key),
    revisions,
    promotionsOf: promotions
      ? async app =>
          (
            await Promise.all(
              views
                .entitiesShowing(appKey(app))
                .map(ref =>
                  promotions.list(ref, { limit: PROMOTIONS_PER_ENTITY }),
                ),
            )
          ).flat()
      : undefined,
    now: deps.now,
    logger,
  });
  store.apps.onChange(change => recorder.onAppChange(change));
  // An application a view shows whose history came in before it was shown (or with no
  // change since): looked at once when its entity's view changes.
  views.onChanged(refs => {
    for (const ref of refs) {
      const entity = mirror.get(ref);
      if (entity) recorder.observeNew(deps.appsOf(entity));
    }
  });
  deps.lifecycle.addShutdownHook(() => recorder.settled());

  return {
    recorder,
    history: new HistoryView({
      builder,
      details: deps.details,
      revisions,
      appsOf: deps.appsOf,
      record,
      logger,
    }),
    dora: new DoraView({
      record,
      revisions,
      appsOf: deps.appsOf,
      environmentOf: app => builder.environmentOf(app),
      productionEnvironments: config.productionEnvironments,
      now: deps.now,
      logger,
    }),
  };
}
