import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogEntityDeletePermission } from '@backstage/plugin-catalog-common/alpha';
import {
  gitopsApplicationSyncPermission,
  gitopsPromotionApprovePermission,
} from '@internal/backstage-plugin-gitops-common';
import { GitopsOwnershipPolicy } from './permissionPolicy';

const user = {
  identity: {
    type: 'user' as const,
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/team-payments'],
  },
  token: 'token',
  credentials: {} as any,
  info: {
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/team-payments'],
  },
};

describe('GitopsOwnershipPolicy', () => {
  const policy = new GitopsOwnershipPolicy();

  it.each([gitopsApplicationSyncPermission, gitopsPromotionApprovePermission])(
    'allows $name only to the owners of the entity',
    async permission => {
      const decision = await policy.handle({ permission }, user);
      expect(decision).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: {
            claims: ['user:default/guest', 'group:default/team-payments'],
          },
        },
      });
    },
  );

  it('grants nothing to a caller without ownership claims', async () => {
    const decision = await policy.handle({
      permission: gitopsApplicationSyncPermission,
    });
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { params: { claims: [] } },
    });
  });

  it('leaves the rest of the portal open', async () => {
    expect(
      await policy.handle({ permission: catalogEntityDeletePermission }, user),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });
});
