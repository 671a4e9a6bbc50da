import type { Entity } from '@backstage/catalog-model';
import type {
  AppEvent,
  EntityEvents,
  ResourceNode,
  UnhealthyResource,
} from '@internal/backstage-plugin-gitops-common';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { workloadSpecOf } from '../entities/workloads';
import type { PerAppCache } from './perAppCache';
import {
  askedOnOpenCache,
  perApplication,
  type AskedOnOpenDeps,
} from './perApplication';

/** Events shown per application, the newest. */
const MAX_EVENTS = 20;
/** Unhealthy resources whose own events are asked (each is one upstream call). */
const MAX_RESOURCES_ASKED = 3;
const MAX_UNHEALTHY = 10;

/** The worst first: what fails a rollout before what is only on its way. */
const HEALTH_ORDER = [
  'Degraded',
  'Missing',
  'Unknown',
  'Progressing',
  'Suspended',
];

const newestFirst = (a: AppEvent, b: AppEvent) =>
  (b.lastSeen ?? '').localeCompare(a.lastSeen ?? '');

type Reasons = { unhealthy: UnhealthyResource[]; events: AppEvent[] };

function unhealthyOf(tree: ResourceNode[]): ResourceNode[] {
  const rank = (n: ResourceNode) => HEALTH_ORDER.indexOf(n.health ?? '');
  return tree.filter(n => rank(n) >= 0).sort((a, b) => rank(a) - rank(b));
}

/**
 * Why an entity's applications are in their state, asked when a person opens it: the unhealthy
 * resources of each (from its resource tree) with their health messages, and the events of the
 * application and of its worst few resources (a Pod's say why an image does not start), newest
 * first. Kept per application while its resourceVersion stays the one they were read at and for
 * at most `maxAgeMs` (a pod's events don't move the application); concurrent asks share one read.
 */
export class EventsView {
  private readonly cache: PerAppCache<Reasons>;

  constructor(
    private readonly deps: AskedOnOpenDeps & {
      /** The application's resource tree (the tab's, cached there). */
      treeOf?: (app: DeploymentApp) => Promise<ResourceNode[]>;
    },
  ) {
    this.cache = askedOnOpenCache(deps);
  }

  private reasonsOf(app: DeploymentApp): Promise<Reasons> {
    return this.cache.get(app, async () => {
      const source = this.deps.store.deployments.get(app.instance);
      const getEvents = source?.getEvents?.bind(source);
      if (!getEvents) return { unhealthy: [], events: [] };
      const ref = { name: app.name, namespace: app.namespace };
      // Without the tree, the application's own events still say a lot.
      const tree = (await this.deps.treeOf?.(app).catch(() => [])) ?? [];
      const unhealthy = unhealthyOf(tree);
      // Pods first: their events carry the reasons (image pulls, crashes, probes).
      const asked = [...unhealthy]
        .filter(n => n.uid)
        .sort((a, b) => Number(b.kind === 'Pod') - Number(a.kind === 'Pod'))
        .slice(0, MAX_RESOURCES_ASKED);
      const [own, ...theirs] = await Promise.all([
        getEvents(ref),
        ...asked.map(n =>
          getEvents(ref, {
            resource: { name: n.name, namespace: n.namespace, uid: n.uid },
          }).catch(() => [] as AppEvent[]),
        ),
      ]);
      return {
        unhealthy: unhealthy.slice(0, MAX_UNHEALTHY).map(n => ({
          kind: n.kind,
          ...(n.namespace ? { namespace: n.namespace } : {}),
          name: n.name,
          health: n.health!,
          ...(n.healthMessage ? { message: n.healthMessage } : {}),
        })),
        events: [...own, ...theirs.flat()]
          .sort(newestFirst)
          .slice(0, MAX_EVENTS),
      };
    });
  }

  /** The reasons of the entity's applications, or of the one named `instance/name`. */
  async events(entity: Entity, only?: string): Promise<EntityEvents> {
    const applications = await perApplication(
      this.deps,
      entity,
      only,
      app => this.reasonsOf(app),
      { unhealthy: [], events: [] } as Reasons,
    );
    return { entityRef: workloadSpecOf(entity).entityRef, applications };
  }
}
