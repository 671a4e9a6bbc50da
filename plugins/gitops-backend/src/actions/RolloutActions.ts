import type { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  ResourceNode,
  RolloutActionName,
  RolloutActionResponse,
  RolloutStatus,
} from '@internal/backstage-plugin-gitops-common';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import type { GitopsStore } from '../store/GitopsStore';
import { UpstreamError, describeError } from '../util/errors';
import {
  readRollout,
  resourceRefOf,
  rolloutNodes,
  type RolloutsView,
} from '../views/rollouts/RolloutsView';
import { toHttpError, type ApplicationActions } from './ApplicationActions';

/**
 * Our action names as Argo CD's built-in resource actions of `argoproj.io/Rollout`: promoting a
 * paused step is `resume` (what `kubectl argo rollouts promote` does), `abort` goes back to stable.
 */
export const ROLLOUT_RESOURCE_ACTIONS: Record<RolloutActionName, string> = {
  promote: 'resume',
  abort: 'abort',
};

const PAST: Record<RolloutActionName, string> = {
  promote: 'promoted',
  abort: 'aborted',
};

function whyNot(rollout: RolloutStatus, action: RolloutActionName): string {
  if (rollout.aborted) return 'it is aborted';
  if (action === 'promote' && !rollout.paused) return 'it is not paused';
  return 'it is fully promoted';
}

/** What Argo CD answers when an action is not available for the object's state. */
const REFUSALS = new Set([400, 409, 412, 422]);

/** Promote or abort a Rollout of one of an entity's applications, through its source's resource actions. */
export class RolloutActions {
  constructor(
    private readonly deps: {
      store: GitopsStore;
      applications: Pick<ApplicationActions, 'findApp'>;
      rollouts: Pick<RolloutsView, 'forget'>;
      /** The application's resource tree (the tab's, cached there). */
      treeOf: (app: DeploymentApp) => Promise<ResourceNode[]>;
    },
  ) {}

  async run(
    entity: Entity,
    target: {
      instance: string;
      application: string;
      namespace: string;
      rollout: string;
    },
    action: RolloutActionName,
  ): Promise<RolloutActionResponse> {
    const { instance, application } = target;
    const app = this.deps.applications.findApp(entity, instance, application);
    const source = this.deps.store.deployments.get(instance)!;
    if (!source.runResourceAction || !source.getLiveResource) {
      throw new ConflictError(
        `${source.provider} source ${instance} cannot ${action} rollouts`,
      );
    }
    const what = `Rollout ${target.namespace}/${target.rollout}`;
    const tree = await this.deps
      .treeOf(app)
      .catch(error =>
        Promise.reject(
          toHttpError(error, instance, application, source.secrets),
        ),
      );
    // Only a Rollout the application manages: the path could name any object of the cluster.
    const node = rolloutNodes(tree).find(
      n =>
        n.name === target.rollout && (n.namespace ?? '') === target.namespace,
    );
    if (!node) {
      throw new NotFoundError(
        `${what} is not a resource of application ${instance}/${application}`,
      );
    }
    const ref = { name: app.name, namespace: app.namespace };
    // Argo CD runs an action whatever the object's state (resume on a promoted Rollout is a
    // silent no-op), so what the page offers is checked here against the Rollout as it is now.
    const before = await readRollout(source, app, tree, node).catch(error =>
      Promise.reject(toHttpError(error, instance, application, source.secrets)),
    );
    if (before.actions.find(a => a.name === action)?.disabled !== false) {
      throw new ConflictError(
        `${what} cannot be ${PAST[action]} now: ${whyNot(before, action)}`,
      );
    }
    const engineAction = ROLLOUT_RESOURCE_ACTIONS[action];
    try {
      await source.runResourceAction(ref, resourceRefOf(node), engineAction);
    } catch (error) {
      if (error instanceof UpstreamError && REFUSALS.has(error.status ?? 0)) {
        throw new ConflictError(
          `Argo CD refused to ${engineAction} ${what}: ${describeError(
            error,
            source.secrets,
          )}`,
        );
      }
      throw toHttpError(error, instance, application, source.secrets);
    }
    this.deps.rollouts.forget(app);
    try {
      // Read back as it is now: a fresh tree too (new AnalysisRuns, the new health).
      const fresh = (await source.getResources?.(ref)) ?? tree;
      const now = rolloutNodes(fresh).find(n => n.uid === node.uid) ?? node;
      return { rollout: await readRollout(source, app, fresh, now) };
    } catch (error) {
      throw new ServiceUnavailableError(
        `Argo CD ran ${engineAction} on ${what}, but reading it back failed: ${describeError(
          error,
          source.secrets,
        )}`,
      );
    }
  }
}
