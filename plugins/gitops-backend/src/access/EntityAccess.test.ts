import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { EntityAccess } from './EntityAccess';

const entity = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { owner },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});

const TEAM = 'group:default/team-payments';
const payments = entity('payments-api', TEAM);
const chores = entity('chores-api', 'group:default/household');

/** A policy: read everything but `chores-api`; GitOps actions for owners; `approve` by a rule we don't know. */
function policy() {
  const permissions = mockServices.permissions.mock();
  permissions.authorizeConditional.mockImplementation(
    async queries =>
      queries.map(({ permission }): PolicyDecision => {
        if (permission.name === 'catalog.entity.read') {
          return createCatalogConditionalDecision(permission as any, {
            not: catalogConditions.hasMetadata({
              key: 'name',
              value: 'chores-api',
            }),
          });
        }
        if (permission.name === 'gitops.promotion.approve') {
          return {
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'catalog',
            resourceType: 'catalog-entity',
            conditions: {
              rule: 'IS_ON_CALL',
              resourceType: 'catalog-entity',
              params: {},
            },
          };
        }
        return createCatalogConditionalDecision(
          permission as any,
          catalogConditions.isEntityOwner({ claims: [TEAM] }),
        );
      }) as any,
  );
  permissions.authorize.mockImplementation(
    async requests =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
  );
  return permissions;
}

describe('EntityAccess', () => {
  it("applies the policy's conditions to the entity with the catalog's own rules", async () => {
    const access = new EntityAccess({
      permissions: policy(),
      logger: mockServices.logger.mock(),
      now: () => 0,
      ttlMs: 10_000,
    });
    const user = mockCredentials.user('user:default/guest');
    expect(await access.decide(user, payments)).toEqual({
      read: true,
      sync: true,
      prune: true,
      refresh: true,
      rollback: true,
      promote: true,
      approve: true, // asked of the permission backend: a rule we don't know
      promoteRollout: true,
      abortRollout: true,
    });
    expect(await access.decide(user, chores)).toMatchObject({
      read: false,
      sync: false,
      promote: false,
    });
  });

  it('asks the policy once per user while the decision is fresh, for that entity only when a rule is unknown', async () => {
    const permissions = policy();
    let now = 0;
    const access = new EntityAccess({
      permissions,
      logger: mockServices.logger.mock(),
      now: () => now,
      ttlMs: 10_000,
    });
    const guest = mockCredentials.user('user:default/guest');
    await Promise.all([
      access.decide(guest, payments),
      access.decide(guest, chores),
      access.decide(guest, payments),
    ]);
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
    // Only the unknown rule went to the permission backend, with the entity's ref.
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'gitops.promotion.approve',
          }),
          resourceRef: 'component:default/payments-api',
        },
      ],
      { credentials: guest },
    );
    await access.decide(mockCredentials.user('user:default/other'), payments);
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(2);
    now = 10_001;
    await access.decide(guest, payments);
    expect(permissions.authorizeConditional).toHaveBeenCalledTimes(3);
  });
});
