import type { Entity } from '@backstage/catalog-model';
import type {
  DeploymentApp,
  DeploymentSource,
} from '@internal/backstage-plugin-gitops-node';
import type { GitopsStore } from '../store/GitopsStore';
import { describeError } from '../util/errors';
import type { OverviewBuilder } from './overviewBuilder';

export type PerApplicationDeps = {
  store: GitopsStore;
  builder: OverviewBuilder;
  appsOf: (entity: Entity) => DeploymentApp[];
};

/**
 * Asks `read` about each of the entity's applications (or only the one named `instance/name`),
 * in parallel. A failing source fails only its application's entry: `fallback` with the error's
 * text, the source's secrets stripped.
 */
export function perApplication<T extends object>(
  deps: PerApplicationDeps,
  entity: Entity,
  only: string | undefined,
  read: (
    app: DeploymentApp,
    source: DeploymentSource | undefined,
  ) => Promise<T>,
  fallback: T,
) {
  const apps = deps
    .appsOf(entity)
    .filter(a => !only || `${a.instance}/${a.name}` === only);
  return Promise.all(
    apps.map(async app => {
      const base = {
        instance: app.instance,
        name: app.name,
        environment: deps.builder.environmentOf(app),
      };
      const source = deps.store.deployments.get(app.instance);
      try {
        return { ...base, ...(await read(app, source)) };
      } catch (error) {
        return {
          ...base,
          ...fallback,
          error: describeError(error, source?.secrets),
        };
      }
    }),
  );
}
