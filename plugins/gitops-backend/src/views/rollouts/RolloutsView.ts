import type { Entity } from '@backstage/catalog-model';
import type {
  EntityRollouts,
  ResourceNode,
  RolloutStatus,
} from '@internal/backstage-plugin-gitops-common';
import type {
  DeploymentApp,
  DeploymentResourceRef,
  DeploymentSource,
} from '@internal/backstage-plugin-gitops-node';
import { workloadSpecOf } from '../../entities/workloads';
import { appKey } from '../../store/AppStore';
import { UpstreamError } from '../../util/errors';
import type { PerAppCache } from '../perAppCache';
import {
  askedOnOpenCache,
  perApplication,
  type AskedOnOpenDeps,
} from '../perApplication';
import { rolloutStatus } from './rolloutStatus';

const ROLLOUTS_GROUP = 'argoproj.io';
/** AnalysisRuns read per Rollout (each is one upstream call): the last ones of the tree. */
const MAX_RUNS_READ = 6;
/** AnalysisRuns shown per Rollout, the newest. */
const MAX_RUNS_SHOWN = 3;

/** The Argo Rollouts Rollouts of an application's resource tree. */
export const rolloutNodes = (tree: ResourceNode[]) =>
  tree.filter(n => n.group === ROLLOUTS_GROUP && n.kind === 'Rollout');

export const resourceRefOf = (node: ResourceNode): DeploymentResourceRef => ({
  ...(node.group ? { group: node.group } : {}),
  ...(node.version ? { version: node.version } : {}),
  kind: node.kind,
  ...(node.namespace ? { namespace: node.namespace } : {}),
  name: node.name,
});

const childrenOf = (tree: ResourceNode[], node: ResourceNode) =>
  node.uid ? tree.filter(n => n.parentUids?.includes(node.uid!)) : [];

/** A child gone since the tree was read (an AnalysisRun garbage-collected) is just left out. */
const unlessGone = (read: Promise<Record<string, unknown>>) =>
  read.catch(error => {
    if (error instanceof UpstreamError && error.status === 404)
      return undefined;
    throw error;
  });

/** The status hashes, read loosely: the mapping validates the manifest itself. */
function stableHashOf(rollout: Record<string, unknown>) {
  const status = rollout.status as Record<string, unknown> | undefined;
  const stable = status?.stableRS;
  return typeof stable === 'string' && stable !== status?.currentPodHash
    ? stable
    : undefined;
}

/**
 * One Rollout of `tree` read from the source: its live manifest, then its AnalysisRuns' and,
 * while an update is in flight, the stable ReplicaSet's (its image), all children of the
 * Rollout in the tree.
 */
export async function readRollout(
  source: DeploymentSource,
  app: DeploymentApp,
  tree: ResourceNode[],
  node: ResourceNode,
): Promise<RolloutStatus> {
  if (!source.getLiveResource) {
    throw new Error(
      `${source.provider} source ${source.name} cannot read live resources`,
    );
  }
  const ref = { name: app.name, namespace: app.namespace };
  const live = (n: ResourceNode) =>
    source.getLiveResource!(ref, resourceRefOf(n));
  const rollout = await live(node);
  const children = childrenOf(tree, node);
  const runs = children
    .filter(n => n.group === ROLLOUTS_GROUP && n.kind === 'AnalysisRun')
    .slice(-MAX_RUNS_READ);
  const stableHash = stableHashOf(rollout);
  const stableNode = stableHash
    ? children.find(
        n => n.kind === 'ReplicaSet' && n.name === `${node.name}-${stableHash}`,
      )
    : undefined;
  const [stableReplicaSet, ...analysisRuns] = await Promise.all([
    stableNode ? unlessGone(live(stableNode)) : undefined,
    ...runs.map(n => unlessGone(live(n))),
  ]);
  const status = rolloutStatus({
    rollout,
    analysisRuns: analysisRuns.filter(r => r !== undefined),
    stableReplicaSet,
    node,
  });
  return {
    ...status,
    analysisRuns: status.analysisRuns.slice(0, MAX_RUNS_SHOWN),
  };
}

/**
 * The Argo Rollouts of an entity's applications, asked when a person opens the page: for each
 * application whose resource tree (the tab's, cached there) holds Rollouts, their live manifests
 * and their AnalysisRuns' read from the source. Kept per application while its resourceVersion
 * stays (the stream's events move it as the Rollout steps on) and at most `maxAgeMs`.
 */
export class RolloutsView {
  private readonly cache: PerAppCache<RolloutStatus[]>;

  constructor(
    private readonly deps: AskedOnOpenDeps & {
      /** The application's resource tree (the tab's, cached there). */
      treeOf: (app: DeploymentApp) => Promise<ResourceNode[]>;
    },
  ) {
    this.cache = askedOnOpenCache(deps);
  }

  private rolloutsOf(app: DeploymentApp): Promise<RolloutStatus[]> {
    return this.cache.get(app, async () => {
      const tree = await this.deps.treeOf(app);
      const nodes = rolloutNodes(tree);
      const source = this.deps.store.deployments.get(app.instance);
      if (!nodes.length || !source) return [];
      return Promise.all(nodes.map(n => readRollout(source, app, tree, n)));
    });
  }

  /** The Rollouts of the entity's applications that have some, or of the one named `instance/name`. */
  async rollouts(entity: Entity, only?: string): Promise<EntityRollouts> {
    const applications = await perApplication(
      this.deps,
      entity,
      only,
      async app => ({ rollouts: await this.rolloutsOf(app) }),
      { rollouts: [] as RolloutStatus[] },
    );
    return {
      entityRef: workloadSpecOf(entity).entityRef,
      applications: applications.filter(
        a => a.rollouts.length > 0 || 'error' in a,
      ),
    };
  }

  /** After an action on the application's Rollouts: what was kept is no longer true. */
  forget(app: DeploymentApp) {
    this.cache.delete(appKey(app));
  }
}
