import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { gitopsPermissions } from '@internal/backstage-plugin-gitops-common';

const GITOPS_PERMISSION_NAMES = new Set(gitopsPermissions.map(p => p.name));

/**
 * The portal's policy: everything is allowed, except the GitOps actions (sync, refresh,
 * rollback, promote, approve), which only the owners of the entity may take.
 */
export class GitopsOwnershipPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (
      GITOPS_PERMISSION_NAMES.has(request.permission.name) &&
      isResourcePermission(request.permission, 'catalog-entity')
    ) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'gitops-ownership-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new GitopsOwnershipPolicy());
      },
    });
  },
});
