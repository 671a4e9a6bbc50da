import type { Entity } from '@backstage/catalog-model';
import type {
  AppEvent,
  EntityEvents,
} from '@internal/backstage-plugin-gitops-common';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { workloadSpecOf } from '../entities/workloads';
import { PerAppCache } from './perAppCache';
import { perApplication, type PerApplicationDeps } from './perApplication';

/** Events shown per application, the newest. */
const MAX_EVENTS = 20;

const newestFirst = (a: AppEvent, b: AppEvent) =>
  (b.lastSeen ?? '').localeCompare(a.lastSeen ?? '');

/**
 * Why an entity's applications are in their state: their events (Argo CD's events endpoint),
 * newest first, asked when a person opens them. Kept per application while its resourceVersion
 * stays the one they were read at and for at most `maxAgeMs` (a pod's events don't move the
 * application); concurrent asks share one call.
 */
export class EventsView {
  private readonly cache: PerAppCache<AppEvent[]>;

  constructor(
    private readonly deps: PerApplicationDeps & {
      now: () => number;
      maxAgeMs?: number;
    },
  ) {
    this.cache = new PerAppCache({
      max: 2_000,
      maxAgeMs: deps.maxAgeMs ?? 30_000,
      now: deps.now,
    });
  }

  private eventsOf(app: DeploymentApp): Promise<AppEvent[]> {
    return this.cache.get(app, async () => {
      const source = this.deps.store.deployments.get(app.instance);
      if (!source?.getEvents) return [];
      const events = await source.getEvents({
        name: app.name,
        namespace: app.namespace,
      });
      return events.sort(newestFirst).slice(0, MAX_EVENTS);
    });
  }

  /** The events of the entity's applications, or of the one named `instance/name`. */
  async events(entity: Entity, only?: string): Promise<EntityEvents> {
    const applications = await perApplication(
      this.deps,
      entity,
      only,
      async app => ({ events: await this.eventsOf(app) }),
      { events: [] as AppEvent[] },
    );
    return { entityRef: workloadSpecOf(entity).entityRef, applications };
  }
}
