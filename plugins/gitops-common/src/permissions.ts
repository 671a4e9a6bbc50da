import {
  createPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Entity-scoped permissions: the resource is the catalog entity, so the catalog's ownership
 * rules (e.g. `isEntityOwner`) decide them in a permission policy.
 */
const entityPermission = (
  name: string,
  action: 'read' | 'update',
): ResourcePermission<typeof RESOURCE_TYPE_CATALOG_ENTITY> =>
  createPermission({
    name,
    attributes: { action },
    resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
  });

/** Trigger an Argo CD sync of one of the entity's applications. @public */
export const gitopsApplicationSyncPermission = entityPermission(
  'gitops.application.sync',
  'update',
);

/**
 * Let a sync of one of the entity's applications prune: delete live resources that git no
 * longer holds. Asked on top of `gitops.application.sync`. @public
 */
export const gitopsApplicationPrunePermission = entityPermission(
  'gitops.application.prune',
  'update',
);

/** Ask Argo CD to refresh one of the entity's applications. @public */
export const gitopsApplicationRefreshPermission = entityPermission(
  'gitops.application.refresh',
  'update',
);

/** Roll one of the entity's applications back to an earlier history entry. @public */
export const gitopsApplicationRollbackPermission = entityPermission(
  'gitops.application.rollback',
  'update',
);

/** Create a promotion (a git change) of a version to the next environment. @public */
export const gitopsPromotionCreatePermission = entityPermission(
  'gitops.promotion.create',
  'update',
);

/** Approve a promotion waiting for approval (e.g. to prod). @public */
export const gitopsPromotionApprovePermission = entityPermission(
  'gitops.promotion.approve',
  'update',
);

/**
 * Promote a paused Argo Rollouts canary of one of the entity's applications to its next step
 * (Argo CD's `resume` resource action). @public
 */
export const gitopsRolloutPromotePermission = entityPermission(
  'gitops.rollout.promote',
  'update',
);

/** Abort an Argo Rollouts update of one of the entity's applications (back to stable). @public */
export const gitopsRolloutAbortPermission = entityPermission(
  'gitops.rollout.abort',
  'update',
);

/** Every permission of the suite, for registration with the permission framework. @public */
export const gitopsPermissions = [
  gitopsApplicationSyncPermission,
  gitopsApplicationPrunePermission,
  gitopsApplicationRefreshPermission,
  gitopsApplicationRollbackPermission,
  gitopsPromotionCreatePermission,
  gitopsPromotionApprovePermission,
  gitopsRolloutPromotePermission,
  gitopsRolloutAbortPermission,
];
