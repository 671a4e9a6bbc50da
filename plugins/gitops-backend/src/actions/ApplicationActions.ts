import type { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  ApplicationActionResponse,
  SyncOptions,
} from '@internal/backstage-plugin-gitops-common';
import type {
  DeploymentApp,
  DeploymentSource,
} from '@internal/backstage-plugin-gitops-node';
import type { GitopsConfig } from '../config';
import type { GitopsStore } from '../store/GitopsStore';
import { UpstreamError, describeError } from '../util/errors';
import { summarize } from '../views/applications';

export type ApplicationAction = 'sync' | 'refresh' | 'rollback';

/** Sync, refresh and rollback of one of an entity's applications, through its source. */
export class ApplicationActions {
  constructor(
    private readonly deps: {
      store: GitopsStore;
      config: GitopsConfig;
      appsOf: (entity: Entity) => DeploymentApp[];
      /** Resolves once the views include every change so far. */
      settled: () => Promise<void>;
    },
  ) {}

  /** The app, when it belongs to the entity; NotFoundError otherwise. */
  findApp(entity: Entity, instance: string, name: string) {
    const app = this.deps
      .appsOf(entity)
      .find(a => a.instance === instance && a.name === name);
    if (!app && this.deps.store.apps.status(instance)?.state === 'error') {
      // Without the instance's applications, membership cannot be checked.
      throw new ServiceUnavailableError(
        `Argo CD instance ${instance} unavailable: ${
          this.deps.store.apps.status(instance)?.error ?? 'no data'
        }`,
      );
    }
    if (!app || !this.deps.store.deployments.has(instance)) {
      throw new NotFoundError(
        `Application ${instance}/${name} does not belong to this entity`,
      );
    }
    return app;
  }

  async run(
    entity: Entity,
    instance: string,
    name: string,
    action: ApplicationAction,
    options: { id?: number; sync?: SyncOptions } = {},
  ): Promise<ApplicationActionResponse> {
    const app = this.findApp(entity, instance, name);
    const source: DeploymentSource = this.deps.store.deployments.get(instance)!;
    const call = {
      sync: source.sync
        ? (ref: { name: string; namespace?: string }) =>
            source.sync!(ref, options.sync)
        : undefined,
      refresh: source.refresh?.bind(source),
      rollback: source.rollback
        ? (ref: { name: string; namespace?: string }) =>
            source.rollback!(ref, options.id!)
        : undefined,
    }[action];
    if (!call) {
      throw new ConflictError(
        `${source.provider} source ${instance} cannot ${action}`,
      );
    }
    let result: DeploymentApp;
    try {
      result = await call({ name: app.name, namespace: app.namespace });
    } catch (error) {
      throw toHttpError(error, instance, name, source.secrets);
    }
    // The answer is the newest state: the pages see it before the stream repeats it.
    this.deps.store.apps.upsert(result);
    await this.deps.settled();
    return {
      application: summarize(result, source, this.deps.config),
    };
  }
}

/** Upstream failures of an action as client-facing errors (never a 500, never a secret). */
export function toHttpError(
  error: unknown,
  instance: string,
  name: string,
  secrets?: string[],
) {
  const message = describeError(error, secrets);
  if (error instanceof UpstreamError) {
    if (error.status === 400 || error.status === 409) {
      return new ConflictError(`Argo CD refused: ${message}`);
    }
    if (error.status === 403 || error.status === 404) {
      return new NotFoundError(
        `Application ${instance}/${name} not found in Argo CD: ${message}`,
      );
    }
    return new ServiceUnavailableError(
      `Argo CD instance ${instance} unavailable: ${message}`,
    );
  }
  return new ServiceUnavailableError(
    `Argo CD instance ${instance} failed: ${message}`,
  );
}
