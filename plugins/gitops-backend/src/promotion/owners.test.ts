import { component } from './__testUtils__/promotionTestUtils';
import { entityOwners, isOwner } from './owners';
import { promotionsReachingSync } from './PromotionService';
import type { PromotionRecord } from './types';

describe('owners', () => {
  it('reads spec.owner (default kind group) and ownedBy relations', () => {
    const entity = {
      ...component('payments-api', {}, 'payments'),
      relations: [{ type: 'ownedBy', targetRef: 'user:default/Carol' }],
    };
    expect(entityOwners(entity)).toEqual([
      'group:default/payments',
      'user:default/carol',
    ]);
    expect(
      isOwner(
        {
          userEntityRef: 'user:default/bob',
          ownershipEntityRefs: ['user:default/bob', 'group:default/Payments'],
        },
        entity,
      ),
    ).toBe(true);
    expect(isOwner({ userEntityRef: 'user:default/carol' }, entity)).toBe(true);
    expect(isOwner({ userEntityRef: 'user:default/mallory' }, entity)).toBe(
      false,
    );
  });
});

describe('promotionsReachingSync', () => {
  const p = (
    id: string,
    toEnv: string,
    version: string,
    state: PromotionRecord['state'],
    createdAt: string,
  ): PromotionRecord => ({
    id,
    kind: 'promotion',
    entityRef: 'component:default/payments-api',
    fromEnv: 'dev',
    toEnv,
    version,
    requester: 'user:default/alice',
    state,
    mode: 'commit',
    gateResults: [],
    files: [],
    createdAt,
    updatedAt: createdAt,
  });
  const app = (tag: string, health: 'Healthy' | 'Progressing' = 'Healthy') => ({
    name: 'a',
    sync: 'Synced' as const,
    health,
    images: [`registry.example.com/payments-api:${tag}`],
  });

  it('marks only the newest landed promotion of an environment, once it runs Synced + Healthy', () => {
    const older = p(
      '1',
      'staging',
      '1.4.0',
      'committed',
      '2026-11-23T10:00:00Z',
    );
    const newer = p(
      '2',
      'staging',
      '1.5.0',
      'committed',
      '2026-11-23T11:00:00Z',
    );
    const prod = p('3', 'prod', '1.4.0', 'merged', '2026-11-23T11:00:00Z');
    const all = [older, newer, prod];
    expect(
      promotionsReachingSync(all, { staging: [app('1.5.0')] }).map(x => x.id),
    ).toEqual(['2']);
    expect(promotionsReachingSync(all, { staging: [app('1.4.0')] })).toEqual(
      [],
    );
    expect(
      promotionsReachingSync(all, { staging: [app('1.5.0', 'Progressing')] }),
    ).toEqual([]);
    expect(
      promotionsReachingSync(all, {
        staging: [app('1.5.0')],
        prod: [app('1.4.0'), app('1.4.0')],
      }).map(x => x.id),
    ).toEqual(['2', '3']);
    // A rolled-back newest promotion hides the older ones.
    const rolledBack = { ...newer, state: 'rolled-back' as const };
    expect(
      promotionsReachingSync([older, rolledBack], { staging: [app('1.4.0')] }),
    ).toEqual([]);
  });
});
