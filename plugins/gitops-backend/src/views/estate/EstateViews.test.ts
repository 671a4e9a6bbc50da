import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { EntityEstate } from '@internal/backstage-plugin-gitops-common';
import { EstateMembership } from '../../entities/membership';
import { costKey, costTotals, GitopsStore } from '../../store/GitopsStore';
import type { OverviewView } from '../EntityViews';
import type { OverviewContent } from '../overviewBuilder';
import { EstateViews } from './EstateViews';

const service = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { owner, system: 'platform' },
});

const TEAM = 'group:default/team-payments';

function setup() {
  const membership = new EstateMembership();
  const overviews = new Map<string, OverviewView>();
  let parses = 0;
  const setVersion = (name: string, version: string) => {
    const content: OverviewContent = {
      entityRef: `component:default/${name}`,
      environments: [
        {
          name: 'dev',
          applications: [],
          version: { version },
        },
      ],
      sources: [],
      promotionsConfigured: false,
    };
    const text = JSON.stringify(content);
    // Counts how often the estate reads an overview's JSON.
    const view = {
      hash: version,
      asOf: '2026-12-01T00:00:00Z',
      get content() {
        parses++;
        return text;
      },
    };
    overviews.set(`component:default/${name}`, view);
  };
  const store = new GitopsStore(() => new Date());
  let clock = 0;
  const estates = new EstateViews({
    membership,
    overviewOf: ref => overviews.get(ref),
    store,
    costSources: [{ cluster: 'cluster-main', provider: 'kubecost' }],
    windows: ['7d'],
    environments: ['dev', 'staging', 'prod'],
    productionEnvironments: ['prod'],
    now: () => new Date(Date.UTC(2026, 11, 1, 0, 0, clock++)),
    logger: mockServices.logger.mock(),
    batchMs: 1,
  });
  const heard: string[][] = [];
  estates.onChanged(refs => heard.push(refs));
  const put = (name: string, owner = 'team-payments') =>
    membership.onEntity({
      ref: `component:default/${name}`,
      entity: service(name, owner),
    });
  const read = (visible?: string[]) =>
    JSON.parse(estates.get(TEAM, '7d', visible).content) as EntityEstate;
  return {
    estates,
    store,
    heard,
    put,
    read,
    setVersion,
    parses: () => parses,
  };
}

describe('EstateViews', () => {
  it('recomputes an estate only when a member view or the membership changes, and tells which', () => {
    const t = setup();
    t.setVersion('payments-api', '1.0.0');
    t.setVersion('ledger', '2.0.0');
    t.put('payments-api');
    t.put('ledger');
    t.estates.settled();
    expect(t.heard).toEqual([[TEAM, 'system:default/platform']]);
    const first = t.estates.get(TEAM, '7d');
    expect(t.read().services.map(s => s.environments.dev.version)).toEqual([
      '2.0.0',
      '1.0.0',
    ]);
    const parsed = t.parses();

    // Another entity's change, and reads: nothing is parsed or computed again.
    t.estates.onViewsChanged(['component:default/elsewhere']);
    t.estates.settled();
    expect(t.estates.get(TEAM, '7d')).toBe(first);
    expect(t.parses()).toBe(parsed);
    expect(t.heard).toHaveLength(1);

    // A member's view changes: only that member's overview is read again.
    t.setVersion('ledger', '2.1.0');
    t.estates.onViewsChanged(['component:default/ledger']);
    t.estates.settled();
    expect(t.parses()).toBe(parsed + 1);
    expect(t.heard[1]).toEqual([TEAM, 'system:default/platform']);
    const second = t.estates.get(TEAM, '7d');
    expect(second.hash).not.toBe(first.hash);
    expect(second.asOf > first.asOf).toBe(true);

    // A member moves to another team: both teams' estates change, the system's stays.
    t.put('ledger', 'team-ledger');
    t.estates.settled();
    expect(t.read().services.map(s => s.entityRef)).toEqual([
      'component:default/payments-api',
    ]);
    expect(t.heard[2].sort()).toEqual(['group:default/team-ledger', TEAM]);
  });

  it('tells of a change that a read computed before the batch ran', () => {
    const t = setup();
    t.setVersion('payments-api', '1.0.0');
    t.put('payments-api');
    expect(t.read().services).toHaveLength(1);
    expect(t.heard).toEqual([[TEAM]]);
    t.estates.settled();
    // The system's estate, not read yet, is computed by the batch.
    expect(t.heard).toEqual([[TEAM], ['system:default/platform']]);
  });

  it('sums only the visible members for a reader who may not see all, kept until the estate changes', () => {
    const t = setup();
    t.setVersion('payments-api', '1.0.0');
    t.setVersion('ledger', '2.0.0');
    t.put('payments-api');
    t.put('ledger');
    t.estates.settled();
    const visible = ['component:default/payments-api'];
    const partial = t.estates.get(TEAM, '7d', visible);
    expect(
      (JSON.parse(partial.content) as EntityEstate).services.map(
        s => s.entityRef,
      ),
    ).toEqual(visible);
    expect(t.estates.get(TEAM, '7d', visible)).toBe(partial);
    // Every member visible: the shared answer.
    expect(
      t.estates.get(TEAM, '7d', [
        'component:default/ledger',
        'component:default/payments-api',
      ]),
    ).toBe(t.estates.get(TEAM, '7d'));
    // A ref that is not (or no longer) a member is not shown.
    expect(
      (
        JSON.parse(
          t.estates.get(TEAM, '7d', ['component:default/other']).content,
        ) as EntityEstate
      ).services,
    ).toEqual([]);
  });

  it("follows the cost engines' idle and unallocated per cluster", () => {
    const t = setup();
    t.setVersion('payments-api', '1.0.0');
    t.put('payments-api');
    t.estates.settled();
    expect(t.read().cost.apart).toEqual([]);
    t.store.costs.set(
      costKey('cluster-main', '7d'),
      costTotals(
        {
          cluster: 'cluster-main',
          window: '7d',
          currency: 'USD',
          labelKey: 'app',
        },
        [
          { apart: 'idle', cpu: 1, ram: 1, pv: 0, network: 0, total: 2.005 },
          { apart: 'unallocated', cpu: 0, ram: 1, pv: 0, network: 0, total: 1 },
        ],
      ),
    );
    t.estates.settled();
    expect(t.read().cost.apart).toEqual([
      { cluster: 'cluster-main', idle: 2.01, unallocated: 1 },
    ]);
    expect(t.heard.at(-1)).toEqual([TEAM, 'system:default/platform']);
  });
});
