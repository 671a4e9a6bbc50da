import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import type { AppState, PromotionService } from '../promotion';
import { describeError } from '../util/errors';
import type { OverviewBuilder } from '../views/overviewBuilder';

/** What promotion gates and sync tracking see of an entity's applications, per environment. */
export function appStatesByEnvironment(
  builder: OverviewBuilder,
  apps: DeploymentApp[],
): Record<string, AppState[]> {
  const byEnv: Record<string, AppState[]> = {};
  for (const [env, envApps] of builder.byEnvironment(apps)) {
    byEnv[env] = envApps.map(app => ({
      name: app.name,
      sync: app.sync,
      health: app.health,
      images: app.images,
    }));
  }
  return byEnv;
}

/**
 * Moves landed promotions to `synced` when the target environment runs their version Synced
 * and Healthy: whenever an entity's view changes, its promotions waiting for that are checked.
 */
export function trackPromotionSync(deps: {
  promotions: PromotionService;
  builder: OverviewBuilder;
  entityOf: (ref: string) => Entity | undefined;
  appsOf: (entity: Entity) => DeploymentApp[];
  logger: LoggerService;
}): (refs: string[]) => Promise<void> {
  return async refs => {
    try {
      const waiting = await deps.promotions.awaitingSync(refs);
      for (const entityRef of new Set(waiting.map(w => w.entityRef))) {
        const entity = deps.entityOf(entityRef);
        if (!entity) continue;
        const byEnv = appStatesByEnvironment(deps.builder, deps.appsOf(entity));
        for (const w of waiting.filter(x => x.entityRef === entityRef)) {
          await deps.promotions.markSynced({
            entityRef,
            env: w.env,
            apps: byEnv[w.env] ?? [],
          });
        }
      }
    } catch (error) {
      deps.logger.warn(
        `gitops: marking promotions synced failed: ${describeError(error)}`,
      );
    }
  };
}
