import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  gitopsEntityChannel,
  gitopsPermissions,
  type GitopsEntitySignal,
} from '@internal/backstage-plugin-gitops-common';
import { ApplicationActions } from './actions/ApplicationActions';
import { ArgoCdClient, type ArgoCdApi } from './argocd/ArgoCdClient';
import { costWindows, promotionSetup, readGitopsConfig } from './config';
import { AllocationCostClient } from './cost/allocation';
import { costSourceName, type CostClient } from './cost/types';
import { gitopsSourcesExtensionPoint } from './extensions';
import { AnnotatedEntities } from './overview/AnnotatedEntities';
import { EntityIndex } from './overview/EntityIndex';
import { EntityOverviewService } from './overview/EntityOverviewService';
import {
  CliGitRepository,
  DatabasePromotionStore,
  gitAuthFromIntegrations,
  PromotionService,
  pullRequestProviderFor,
  type AppState,
} from './promotion';
import { createRouter } from './router';
import { affectedEntities } from './snapshot/changes';
import { LiveWatcher } from './snapshot/LiveWatcher';
import { SnapshotStore } from './snapshot/SnapshotStore';
import { gitopsClockServiceRef } from './util/clock';
import { describeError } from './util/errors';
import { KubeVeleroClient } from './velero/KubeVeleroClient';
import type { VeleroClient } from './velero/types';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * The GitOps backend plugin: per-entity, per-environment view of Argo CD, cost and Velero.
 *
 * @public
 */
export const gitopsPlugin = createBackendPlugin({
  pluginId: 'gitops',
  register(env) {
    const extraArgo: ArgoCdApi[] = [];
    const extraCost: CostClient[] = [];
    const extraBackup: VeleroClient[] = [];
    env.registerExtensionPoint(gitopsSourcesExtensionPoint, {
      addDeploymentSource: source => void extraArgo.push(source),
      addCostSource: source => void extraCost.push(source),
      addBackupSource: source => void extraBackup.push(source),
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
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
        clock: gitopsClockServiceRef,
      },
      async init(deps) {
        const { logger, scheduler, cache, clock } = deps;
        const config = readGitopsConfig(deps.config);
        const promotion = promotionSetup(config);
        const interval = config.refreshIntervalSeconds;

        const argo = new Map<string, ArgoCdApi>();
        for (const instance of config.argocd.instances) {
          argo.set(instance.name, new ArgoCdClient(instance, clock));
        }
        extraArgo.forEach(a => argo.set(a.name, a));
        const cost: CostClient[] = [
          ...config.cost.clusters.map(c => new AllocationCostClient(c)),
          ...extraCost,
        ];
        const velero: VeleroClient[] = [
          ...config.velero.clusters.map(c => new KubeVeleroClient(c)),
          ...extraBackup,
        ];

        const store = new SnapshotStore({
          cache,
          clock,
          logger,
          staleAfterMs: interval * 3 * 1000,
          maxStaleMs: Math.max(interval * 20, 600) * 1000,
        });
        const secretsOf = (name: string) => {
          const i = config.argocd.instances.find(x => x.name === name);
          return [i?.token, i?.password].filter((s): s is string => !!s);
        };
        for (const a of argo.values()) {
          store.addSource({
            kind: 'argocd',
            name: a.name,
            fetch: signal => a.listApplications({ signal }),
            secrets: secretsOf(a.name),
          });
        }
        for (const c of cost) {
          // One source per window the cost card offers, so switching windows reads the snapshot too.
          for (const window of costWindows(config)) {
            store.addSource({
              kind: 'cost',
              name: costSourceName(c.cluster, window, config.cost.window),
              fetch: signal => c.getAllocations({ window, signal }),
              secrets: [
                config.cost.clusters.find(x => x.name === c.cluster)?.token ??
                  '',
              ],
            });
          }
        }
        for (const v of velero) {
          store.addSource({
            kind: 'velero',
            name: v.cluster,
            fetch: signal => v.list({ signal }),
            secrets: [
              config.velero.clusters.find(x => x.name === v.cluster)?.token ??
                '',
            ],
          });
        }

        const index = new EntityIndex();
        const overview = new EntityOverviewService({
          config,
          store,
          clock,
          cache,
          argo,
          index,
        });
        const actions = new ApplicationActions({ argo, overview, store });
        const annotated = new AnnotatedEntities({
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          clock,
          ttlMs: Math.max(interval * 10, 300) * 1000,
        });

        const signalEntity = async (entityRef: string) => {
          const message: GitopsEntitySignal = {
            type: 'overview-changed',
            entityRef,
          };
          await deps.signals.publish({
            recipients: { type: 'broadcast' },
            channel: gitopsEntityChannel(entityRef),
            message,
          });
        };

        // Promotions: enabled when the gitops repository is configured.
        let promotions: PromotionService | undefined;
        let pullRequestsDescription = '';
        /** The entity's applications per environment, from the snapshot. */
        const appStatesOf = async (entity: Entity) => {
          const { apps } = await overview.appsOf(entity);
          const byEnv: Record<string, AppState[]> = {};
          for (const app of apps) {
            (byEnv[overview.environmentOf(app)] ??= []).push({
              name: app.name,
              sync: app.sync,
              health: app.health,
              images: app.images,
            });
          }
          return byEnv;
        };
        if (promotion) {
          const { settings } = promotion;
          // Each replica its own clone, made on the first promotion.
          const ownWorkDir = !promotion.workDir;
          const workDir =
            promotion.workDir ??
            path.join(
              os.tmpdir(),
              `backstage-gitops-promotion-${randomUUID()}`,
            );
          // Credentials of the git remote and the code host come from `integrations`.
          const integrations = ScmIntegrations.fromConfig(deps.config);
          const githubCredentials =
            DefaultGithubCredentialsProvider.fromIntegrations(integrations);
          const repo = new CliGitRepository({
            url: promotion.repository.url,
            branch: settings.branch,
            workDir: path.join(workDir, 'promotion-git'),
            committer: settings.committer,
            auth: gitAuthFromIntegrations({
              url: promotion.repository.url,
              integrations,
              githubCredentials,
            }),
            clock,
            logger,
          });
          const pullRequests = pullRequestProviderFor({
            config: promotion.pullRequests,
            repositoryUrl: promotion.repository.url,
            repo,
            integrations,
            githubCredentials,
            logger,
          });
          pullRequestsDescription = `, pull requests as ${pullRequests.description}`;
          deps.lifecycle.addShutdownHook(async () => {
            repo.close();
            if (ownWorkDir) {
              await fs.rm(workDir, { recursive: true, force: true });
            }
          });
          promotions = new PromotionService({
            store: await DatabasePromotionStore.create({
              database: deps.database,
            }),
            repo,
            pullRequests: pullRequests.provider,
            settings,
            clock,
            logger,
            appStates: async query =>
              (await appStatesOf(query.entity))[query.env] ?? [],
            onEvent: event => {
              const p = event.promotion;
              logger.info(
                `gitops promotion ${p.id} ${event.type}: ${p.kind} of ${p.entityRef} ${p.version} ${p.fromEnv} -> ${p.toEnv} (${p.state})`,
              );
              // Open pages of the entity refresh their promotions.
              signalEntity(p.entityRef).catch(error =>
                logger.warn(
                  `gitops: promotion signal failed: ${describeError(error)}`,
                ),
              );
            },
          });
        }

        /** Moves landed promotions of the changed entities to `synced` once their apps run them. */
        const syncPromotions = async (entityRefs: string[]) => {
          if (!promotions || entityRefs.length === 0) return;
          const waiting = await promotions.awaitingSync(entityRefs);
          if (waiting.length === 0) return;
          const credentials = await deps.auth.getOwnServiceCredentials();
          for (const entityRef of new Set(waiting.map(w => w.entityRef))) {
            const entity = await deps.catalog.getEntityByRef(entityRef, {
              credentials,
            });
            if (!entity) continue;
            const byEnv = await appStatesOf(entity);
            for (const w of waiting.filter(x => x.entityRef === entityRef)) {
              await promotions.markSynced({
                entityRef,
                env: w.env,
                apps: byEnv[w.env] ?? [],
              });
            }
          }
        };

        // Live updates: tell the pages of the entities a snapshot change affects, and move
        // their landed promotions on.
        store.onChange(async change => {
          const specs = change.kind === 'argocd' ? await annotated.list() : [];
          const affected = affectedEntities(change, index, specs);
          for (const entityRef of affected) {
            await signalEntity(entityRef);
          }
          if (change.kind === 'argocd') {
            await syncPromotions(affected).catch(error =>
              logger.warn(
                `gitops: marking promotions synced failed: ${describeError(
                  error,
                )}`,
              ),
            );
          }
        });

        // Sources start spread over the interval, so their refreshes (parsing thousands of
        // applications) don't all land on the event loop at the same moment.
        const sources = store.listSources();
        for (const [i, source] of sources.entries()) {
          await scheduler.scheduleTask({
            id: `gitops-refresh-${source.kind}-${source.name}`,
            frequency: { seconds: interval },
            ...(i > 0 && {
              initialDelay: {
                milliseconds: Math.round(
                  (i * interval * 1000) / sources.length,
                ),
              },
            }),
            timeout: { seconds: Math.max(interval * 2, 60) },
            scope: 'global',
            fn: async signal => {
              await store.refresh(source.kind, source.name, signal);
            },
          });
        }

        const watched = {
          argo: config.argocd.watch ? [...argo.values()] : [],
          velero: config.velero.watch ? velero : [],
        };
        if (watched.argo.length > 0 || watched.velero.length > 0) {
          const watcher = new LiveWatcher({ ...watched, store, logger });
          deps.lifecycle.addStartupHook(() => watcher.start());
          deps.lifecycle.addShutdownHook(() => watcher.stop());
        }

        deps.permissionsRegistry.addPermissions(gitopsPermissions);

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            catalog: deps.catalog,
            logger,
            overview,
            actions,
            costWindows: costWindows(config),
            userInfo: deps.userInfo,
            environments: config.environments,
            promotions,
          }),
        );
        // Liveness probes and the start script call it without a Backstage token.
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
        logger.info(
          `gitops: ${argo.size} Argo CD instance(s), ${
            cost.length
          } cost source(s), ${
            velero.length
          } Velero cluster(s); refresh every ${interval}s; promotions ${
            promotion
              ? `on ${promotion.repository.branch}${pullRequestsDescription}`
              : 'off (gitops.repository is not configured)'
          }`,
        );
      },
    });
  },
});
