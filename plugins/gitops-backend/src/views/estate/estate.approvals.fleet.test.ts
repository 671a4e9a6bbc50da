import { mockCredentials } from '@backstage/backend-test-utils';
import type { EntityEstate } from '@internal/backstage-plugin-gitops-common';
import request from 'supertest';
import {
  OWNER,
  useFleetBackend,
  waitFor,
} from '../../__testUtils__/fleetBackend';
import { estatePath, exampleCatalog } from './__testUtils__/exampleCatalog';

jest.setTimeout(90_000);

const PAYMENTS = 'component:default/payments-api';
const TEAM = 'group:default/team-payments';

/**
 * The example catalog where payments-api is also owned by a user who may promote it (the test
 * policy lets an entity's `spec.owner` write), and still by team-payments through its relation.
 */
function catalog() {
  const entities = exampleCatalog();
  const payments = entities.find(e => e.metadata.name === 'payments-api')!;
  payments.spec = { ...payments.spec, owner: OWNER };
  payments.relations = [
    { type: 'ownedBy', targetRef: OWNER },
    { type: 'ownedBy', targetRef: TEAM },
    { type: 'partOf', targetRef: 'system:default/example-platform' },
  ];
  return entities;
}

describe('the estate lists its services’ promotions waiting for an approval', () => {
  const env = useFleetBackend({ backend: { entities: catalog() } });
  const as = (path: string) =>
    request(env.backend.server)
      .get(path)
      .set('authorization', mockCredentials.user.header(OWNER));

  it('shows a prod promotion waiting for approval on the group and the system, and signals their pages', async () => {
    const before = (await as(estatePath('group', 'team-payments')))
      .body as EntityEstate;
    expect(before.approvals).toEqual([]);
    env.backend.signals.length = 0;

    const created = await request(env.backend.server)
      .post(`/api/gitops/entities/component/default/payments-api/promotions`)
      .set('authorization', mockCredentials.user.header(OWNER))
      .send({ from: 'staging', to: 'prod' });
    expect(created.body.error?.message).toBeUndefined();
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('awaiting-approval');

    for (const [kind, name] of [
      ['group', 'team-payments'],
      ['system', 'example-platform'],
    ]) {
      const estate = (await as(estatePath(kind, name))).body as EntityEstate;
      expect(estate.approvals).toEqual([
        {
          promotionId: created.body.id,
          entityRef: PAYMENTS,
          version: created.body.version,
          fromEnv: 'staging',
          toEnv: 'prod',
          requestedBy: OWNER,
          createdAt: created.body.createdAt,
          ...(created.body.prUrl ? { url: created.body.prUrl } : {}),
        },
      ]);
    }
    await waitFor(
      () =>
        env.backend.signals.some(s => s.channel === `gitops:${TEAM}`) &&
        env.backend.signals.some(
          s => s.channel === 'gitops:system:default/example-platform',
        ),
      5_000,
      "the group's and the system's signals",
    );
    // Another team's estate does not list it.
    const household = (await as(estatePath('group', 'team-household')))
      .body as EntityEstate;
    expect(household.approvals).toEqual([]);
  });
});
