import type { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { ApplicationActionResponse } from '@internal/backstage-plugin-gitops-common';
import type { ArgoCdApi } from '../argocd/ArgoCdClient';
import { toAppRecord } from '../argocd/mapping';
import type { ArgoApplication } from '../argocd/schemas';
import type { ArgoInstanceData } from '../argocd/types';
import type { EntityOverviewService } from '../overview/EntityOverviewService';
import type { SnapshotStore } from '../snapshot/SnapshotStore';
import { UpstreamError, describeError } from '../util/errors';

export type ApplicationAction = 'sync' | 'refresh' | 'rollback';

/** Sync, refresh and rollback of one of an entity's applications through Argo CD. */
export class ApplicationActions {
  constructor(
    private readonly deps: {
      argo: Map<string, ArgoCdApi>;
      overview: EntityOverviewService;
      store: SnapshotStore;
    },
  ) {}

  /** The app, when it belongs to the entity; NotFoundError otherwise. */
  async findApp(entity: Entity, instance: string, name: string) {
    const { apps, sources } = await this.deps.overview.appsOf(entity);
    const app = apps.find(a => a.instance === instance && a.name === name);
    const source = sources.find(
      s => s.kind === 'argocd' && s.name === instance,
    );
    if (!app && source?.status === 'error') {
      // Without the instance's applications, membership cannot be checked.
      throw new ServiceUnavailableError(
        `Argo CD instance ${instance} unavailable: ${
          source.error ?? 'no data'
        }`,
      );
    }
    if (!app || !this.deps.argo.has(instance)) {
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
    options: { id?: number } = {},
  ): Promise<ApplicationActionResponse> {
    const app = await this.findApp(entity, instance, name);
    const argo = this.deps.argo.get(instance)!;
    const ref = { name: app.name, appNamespace: app.namespace };
    let result: ArgoApplication;
    try {
      if (action === 'sync') {
        result = await argo.sync(ref);
      } else if (action === 'rollback') {
        result = await argo.rollback(ref, options.id!);
      } else {
        result = await argo.getApplication(ref, { refresh: 'normal' });
      }
    } catch (error) {
      throw toHttpError(error, instance, name);
    }
    const record = toAppRecord(instance, result);
    await this.deps.store.update<ArgoInstanceData>(
      'argocd',
      instance,
      data => ({
        ...data,
        applications: data.applications.map(a =>
          a.name === record.name ? record : a,
        ),
      }),
    );
    return { application: this.deps.overview.summarize(record) };
  }
}

/** Upstream failures of an action as client-facing errors (never a 500, never a secret). */
export function toHttpError(error: unknown, instance: string, name: string) {
  const message = describeError(error);
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
