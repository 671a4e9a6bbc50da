import type { Entity } from '@backstage/catalog-model';
import { EstateMembership, membershipOf } from './membership';

const service = (
  name: string,
  spec: Record<string, unknown>,
  relations: Entity['relations'] = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'argocd/app-selector': `app=${name}` },
  },
  spec: { type: 'service', lifecycle: 'production', ...spec },
  relations,
});

const put = (m: EstateMembership, entity: Entity) =>
  m.onEntity({ ref: `component:default/${entity.metadata.name}`, entity });

describe('membershipOf', () => {
  it('reads spec.owner and spec.system as the catalog does (bare names are a group / a system)', () => {
    expect(
      membershipOf(
        service('payments-api', {
          owner: 'team-payments',
          system: 'example-platform',
        }),
      ),
    ).toEqual({
      owners: ['group:default/team-payments'],
      systems: ['system:default/example-platform'],
    });
  });

  it('reads ownedBy and partOf relations, only partOf a System counting as a system', () => {
    const entity = service('ledger', {}, [
      { type: 'ownedBy', targetRef: 'group:finance/Team-Ledger' },
      { type: 'partOf', targetRef: 'system:default/payments' },
      { type: 'partOf', targetRef: 'component:default/payments-api' },
    ]);
    expect(membershipOf(entity)).toEqual({
      owners: ['group:finance/team-ledger'],
      systems: ['system:default/payments'],
    });
  });

  it('ignores an owner or system that is no ref (not a string, or blank)', () => {
    expect(membershipOf(service('x', { owner: 42, system: '  ' }))).toEqual({
      owners: [],
      systems: [],
    });
  });
});

describe('EstateMembership', () => {
  it('indexes the services a group owns and a system contains; a service in two systems is in both', () => {
    const m = new EstateMembership();
    put(
      m,
      service('payments-api', { owner: 'team-payments', system: 'platform' }),
    );
    put(
      m,
      service('ledger', { owner: 'group:default/team-payments' }, [
        { type: 'partOf', targetRef: 'system:default/platform' },
        { type: 'partOf', targetRef: 'system:default/finance' },
      ]),
    );
    put(
      m,
      service('chores-api', { owner: 'team-household', system: 'platform' }),
    );

    expect(m.membersOf('group:default/team-payments')).toEqual([
      'component:default/ledger',
      'component:default/payments-api',
    ]);
    expect(m.membersOf('System:default/Platform')).toEqual([
      'component:default/chores-api',
      'component:default/ledger',
      'component:default/payments-api',
    ]);
    expect(m.membersOf('system:default/finance')).toEqual([
      'component:default/ledger',
    ]);
    expect(m.systemsOf('component:default/ledger')).toEqual([
      'system:default/finance',
      'system:default/platform',
    ]);
    expect(m.estatesOf('component:default/ledger').sort()).toEqual([
      'group:default/team-payments',
      'system:default/finance',
      'system:default/platform',
    ]);
  });

  it('answers no members for a group without services', () => {
    const m = new EstateMembership();
    put(m, service('payments-api', { owner: 'team-payments' }));
    expect(m.membersOf('group:default/team-empty')).toEqual([]);
  });

  it('follows an owner change and a removal, telling which estates changed', () => {
    const m = new EstateMembership();
    const heard: string[][] = [];
    m.onChange(estates => heard.push([...estates].sort()));
    put(
      m,
      service('payments-api', { owner: 'team-payments', system: 'platform' }),
    );
    put(
      m,
      service('payments-api', { owner: 'team-ledger', system: 'platform' }),
    );
    expect(m.membersOf('group:default/team-payments')).toEqual([]);
    expect(m.membersOf('group:default/team-ledger')).toEqual([
      'component:default/payments-api',
    ]);
    m.onEntity({ ref: 'component:default/payments-api' });
    expect(m.membersOf('system:default/platform')).toEqual([]);
    expect(m.entityOf('component:default/payments-api')).toBeUndefined();
    expect(heard).toEqual([
      ['group:default/team-payments', 'system:default/platform'],
      [
        'group:default/team-ledger',
        'group:default/team-payments',
        'system:default/platform',
      ],
      ['group:default/team-ledger', 'system:default/platform'],
    ]);
  });

  it('gives a user owner no estate (only groups and systems have estate pages)', () => {
    const m = new EstateMembership();
    put(m, service('tool', { owner: 'user:default/alice' }));
    expect(m.estatesOf('component:default/tool')).toEqual([]);
    expect(m.estates()).toEqual([]);
  });
});
