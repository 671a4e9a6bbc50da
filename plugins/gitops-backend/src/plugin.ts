import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { gitopsPermissions } from '@internal/backstage-plugin-gitops-common';
import {
  gitopsBackupsExtensionPoint,
  gitopsCostExtensionPoint,
  gitopsDeploymentsExtensionPoint,
  gitopsPullRequestsExtensionPoint,
} from '@internal/backstage-plugin-gitops-node';
import { EntityAccess } from './access/EntityAccess';
import { ApplicationActions } from './actions/ApplicationActions';
import { RolloutActions } from './actions/RolloutActions';
import { registerGitopsActions } from './agentActions/registerGitopsActions';
import { costWindows, promotionSetup, readGitopsConfig } from './config';
import { EntityMirror } from './entities/EntityMirror';
import { createRouter } from './http/router';
import { entityResolver } from './http/entityContext';
import { EntitySignals } from './live/EntitySignals';
import {
  appStatesByEnvironment,
  trackPromotionSync,
} from './live/promotionSync';
import { scheduleCostTotals } from './sources/cost/costPoller';
import { GitopsStore } from './store/GitopsStore';
import { gitopsClockServiceRef } from './util/clock';
import { AppDetails } from './views/AppDetails';
import { CostTrendView } from './views/costTrend';
import { EntityViews } from './views/EntityViews';
import { createEstates } from './views/estate/createEstates';
import { OverviewBuilder } from './views/overviewBuilder';
import { EventsView } from './views/events';
import { DiffView } from './views/diff/DiffView';
import { ResourcesView } from './views/resources';
import { RolloutsView } from './views/rollouts/RolloutsView';
import { createNotifications } from './wiring/notifications';
import { createDeploymentRecord } from './wiring/record';
import {
  createPromotions,
  type PullRequestProviderOverride,
} from './wiring/promotions';
import {
  buildSources,
  registerSources,
  runSources,
  type AddedSources,
} from './wiring/sources';

/**
 * The GitOps backend plugin: per-entity, per-environment views of Argo CD, cost and Velero,
 * computed from informers into an in-memory store when their inputs change. This file only
 * wires the pieces together.
 *
 * @public
 */
export const gitopsPlugin = createBackendPlugin({
  pluginId: 'gitops',
  register(env) {
    const added: AddedSources = { deployments: [], costs: [], backups: [] };
    let pullRequests: PullRequestProviderOverride | undefined;
    env.registerExtensionPoint(gitopsDeploymentsExtensionPoint, {
      addDeploymentSource: source => void added.deployments.push(source),
    });
    env.registerExtensionPoint(gitopsCostExtensionPoint, {
      addCostSource: source => void added.costs.push(source),
    });
    env.registerExtensionPoint(gitopsBackupsExtensionPoint, {
      addBackupSource: source => void added.backups.push(source),
    });
    env.registerExtensionPoint(gitopsPullRequestsExtensionPoint, {
      setPullRequestProvider: provider => {
        pullRequests = provider;
      },
    });

    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        cache: coreServices.cache,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        database: coreServices.database,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        notifications: notificationService,
        clock: gitopsClockServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { logger, clock, rootConfig } = deps;
        const config = readGitopsConfig(rootConfig);
        const windows = costWindows(config);
        const now = () => clock.now();
        const sources = await buildSources({
          config,
          rootConfig,
          added,
          clock,
          logger,
        });
        const store = new GitopsStore(now);
        registerSources(store, sources);
        const setup = promotionSetup(config);

        const builder = new OverviewBuilder({
          config,
          store,
          costSources: sources.costs,
          backupSources: sources.backups,
          promotionsConfigured: Boolean(setup),
        });
        const views = new EntityViews({
          store,
          builder,
          windows,
          now,
          logger,
        });
        const appsOf = views.appsOf.bind(views);
        store.apps.keepDetailsOf(key => views.shows(key));
        const details = new AppDetails({
          store,
          logger,
          now: () => clock.now().getTime(),
        });
        views.onMissingDetails(apps => details.want(apps));
        const resources = new ResourcesView({ store, builder, appsOf });
        const mirror = new EntityMirror({
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          intervalMs: config.catalogRefreshSeconds * 1000,
        });
        mirror.onChange(change => views.onEntity(change));
        const signals = new EntitySignals(deps);
        views.onChanged(refs => refs.forEach(ref => void signals.publish(ref)));
        // Group and system pages: their estate's answer, kept as their members' views change.
        const estate = createEstates({
          config,
          windows,
          store,
          costSources: sources.costs,
          views,
          mirror,
          now,
          logger,
          publish: ref => void signals.publish(ref),
        });
        const notify = await createNotifications({
          ...deps,
          config: config.notifications,
          views,
          window: windows[0],
          now,
        });
        if (notify.onViewsChanged) views.onChanged(notify.onViewsChanged);

        const promotions = setup
          ? await createPromotions({
              setup,
              rootConfig,
              database: deps.database,
              lifecycle: deps.lifecycle,
              clock,
              logger,
              pullRequests,
              appStates: (entity, environment) =>
                appStatesByEnvironment(builder, appsOf(entity))[environment] ??
                [],
              onEvent: ({ type, promotion: p, actor }) => {
                logger.info(
                  `gitops promotion ${p.id} ${type}: ${p.kind} of ${p.entityRef} ${p.version} ${p.fromEnv} -> ${p.toEnv} (${p.state})`,
                );
                // Open pages of the entity, its groups and systems refresh their promotions.
                estate.publishWithEstates(p.entityRef);
                void notify.onPromotionEvent?.({ type, promotion: p, actor });
              },
            })
          : undefined;
        if (promotions) {
          views.onChanged(
            trackPromotionSync({
              promotions: promotions.service,
              builder,
              entityOf: ref => mirror.get(ref),
              appsOf,
              logger,
            }),
          );
        }

        // The deployment record: history beyond Argo CD's limit, and the DORA figures.
        const record = await createDeploymentRecord({
          ...deps,
          config,
          store,
          views,
          mirror,
          builder,
          details,
          appsOf,
          now,
          promotions: promotions?.service,
        });

        await scheduleCostTotals({
          sources: sources.costs,
          windows,
          store,
          scheduler: deps.scheduler,
          logger,
          refreshMinutes: config.cost.refreshMinutes,
        });
        const running = new AbortController();
        deps.lifecycle.addStartupHook(async () => {
          runSources({ store, ...sources, signal: running.signal });
          await mirror.start();
        });
        deps.lifecycle.addShutdownHook(() => {
          running.abort();
          mirror.stop();
          void sources.close();
        });

        const treeOf = (app: Parameters<ResourcesView['treeOf']>[0]) =>
          resources.treeOf(app);
        const actions = new ApplicationActions({
          store,
          config,
          appsOf,
          settled: () => views.settled(),
        });
        const rollouts = new RolloutsView({
          store,
          builder,
          appsOf,
          treeOf,
          now: () => Date.now(),
        });

        // The routes' pieces: the HTTP API and the actions (for agents) run the same checks.
        const api = {
          ...deps,
          resolver: entityResolver({
            httpAuth: deps.httpAuth,
            catalog: deps.catalog,
            mirror,
            access: new EntityAccess({
              permissions: deps.permissions,
              logger,
              now: () => Date.now(),
              ttlMs: config.permissionCacheSeconds * 1000,
            }),
            auth: deps.auth,
            estateEntityTtlMs: config.catalogRefreshSeconds * 1000,
          }),
          views,
          history: record.history,
          dora: record.dora,
          resources,
          events: new EventsView({
            store,
            builder,
            appsOf,
            treeOf,
            now: () => Date.now(),
          }),
          diffs: new DiffView({
            store,
            builder,
            appsOf,
            now: () => Date.now(),
          }),
          costTrend: new CostTrendView({
            store,
            builder,
            costSources: new Map(sources.costs.map(c => [c.cluster, c])),
            cache: deps.cache,
            ttlMs: config.cost.refreshMinutes * 60_000,
            appsOf,
          }),
          rollouts,
          actions,
          rolloutActions: new RolloutActions({
            store,
            applications: actions,
            rollouts,
            treeOf,
          }),
          costWindows: windows,
          environments: config.environments,
          promotions: promotions?.service,
          estates: estate.estates,
          membership: estate.membership,
        };
        deps.permissionsRegistry.addPermissions(gitopsPermissions);
        registerGitopsActions(api);
        deps.httpRouter.use(createRouter(api));
        // Liveness probes and the start script call it without a Backstage token.
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
        logger.info(
          `gitops: ${sources.deployments.length} deployment source(s), ${
            sources.costs.length
          } cost source(s), ${
            sources.backups.length
          } backup source(s); re-list every ${
            config.argocd.resyncMinutes
          } min, cost every ${config.cost.refreshMinutes} min; promotions ${
            promotions
              ? promotions.description
              : 'off (gitops.repository is not configured)'
          }`,
        );
      },
    });
  },
});
