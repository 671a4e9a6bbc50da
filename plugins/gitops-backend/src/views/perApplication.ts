import type { Entity } from '@backstage/catalog-model';
import type {
  DeploymentApp,
  DeploymentSource,
} from '@internal/backstage-plugin-gitops-node';
import type { GitopsStore } from '../store/GitopsStore';
import { PerAppCache } from './perAppCache';
import { describeError } from '../util/errors';
import type { OverviewBuilder } from './overviewBuilder';

export type PerApplicationDeps = {
  store: GitopsStore;
  builder: OverviewBuilder;
  appsOf: (entity: Entity) => DeploymentApp[];
};

/** What a dialog asks when a person opens it (events, diff) and how long an answer is kept. */
export type AskedOnOpenDeps = PerApplicationDeps & {
  now: () => number;
  /** At most this old (default 30 s), on top of the application's resourceVersion. */
  maxAgeMs?: number;
};

/** The cache of such answers: per application, while its version stays and at most `maxAgeMs`. */
export const askedOnOpenCache = <T>(deps: AskedOnOpenDeps) =>
  new PerAppCache<T>({
    max: 2_000,
    maxAgeMs: deps.maxAgeMs ?? 30_000,
    now: deps.now,
  });

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
