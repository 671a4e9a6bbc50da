import type {
  EntityCostTrend,
  EntityEstate,
} from '@internal/backstage-plugin-gitops-common';
import request from 'supertest';
import {
  startGitopsBackend,
  useFleetBackend,
  waitFor,
} from '../../__testUtils__/fleetBackend';
import {
  estatePath,
  estateTestCatalog,
  rowOf,
} from './__testUtils__/exampleCatalog';
import { parseCsv } from './__testUtils__/parseCsv';

// Real servers (the simulated fleet) on a shared 2-core machine: generous timeouts.
jest.setTimeout(90_000);

const PAYMENTS = 'component:default/payments-api';
const CHORES = 'component:default/chores-api';
const PLATFORM = 'system:default/example-platform';
const catalog = estateTestCatalog;

describe('the estate of groups and systems on the simulated fleet', () => {
  const env = useFleetBackend({
    backend: {
      entities: catalog(),
      // Nobody may read schedule-bot nor the team-household group in the catalog.
      hiddenEntities: ['schedule-bot', 'team-household'],
    },
  });
  const get = (path: string) => request(env.backend.server).get(path);
  const estateOf = async (kind: string, name: string, query = '') => {
    const res = await get(estatePath(kind, name, query));
    expect(res.status).toBe(200);
    return res.body as EntityEstate;
  };

  it("answers team-payments' matrix: versions per environment, what waits for promotion, cost and backups", async () => {
    const estate = await estateOf('group', 'team-payments');
    expect(estate).toMatchObject({
      entityRef: 'group:default/team-payments',
      kind: 'group',
      environments: ['dev', 'staging', 'prod'],
    });
    expect(estate.sources.every(s => s.status === 'ok')).toBe(true);
    const payments = rowOf(estate, PAYMENTS);
    expect(payments.systems).toEqual([PLATFORM]);
    expect(payments.environments).toMatchObject({
      dev: { version: '1.4.0', applications: 1 },
      staging: { version: '1.3.2', waitingVersion: '1.4.0', sync: 'Synced' },
      // git says 1.3.1: prod is OutOfSync, and staging's 1.3.2 waits for it.
      prod: { version: '1.3.0', waitingVersion: '1.3.2', sync: 'OutOfSync' },
    });
    expect(payments.environments.dev.waitingVersion).toBeUndefined();
    expect(payments.drifted).toBe(true);
    expect(payments.sourceErrors).toEqual([]);
    // Only the group's own services.
    expect(estate.services.some(s => s.entityRef === CHORES)).toBe(false);

    const rows = estate.cost.rows.filter(r => r.entityRef === PAYMENTS);
    expect(rows.map(r => r.environment)).toEqual(['dev', 'staging', 'prod']);
    for (const row of rows) expect(row.total).toBeGreaterThan(0);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    for (const envName of ['dev', 'staging', 'prod']) {
      expect(estate.cost.byEnvironment[envName]).toBeCloseTo(
        sum(
          estate.cost.rows
            .filter(r => r.environment === envName)
            .map(r => r.total),
        ),
        1,
      );
    }
    expect(estate.cost.total).toBeCloseTo(
      sum(estate.cost.rows.map(r => r.total)),
      1,
    );
    expect(estate.cost).toMatchObject({ window: '7d', currency: 'USD' });
    expect(estate.cost.errors).toEqual([]);
    // Idle capacity and workloads without the cost label (kube-system), per cluster, apart.
    expect(estate.cost.apart.map(a => a.cluster).sort()).toEqual([
      'cluster-main',
      'cluster-prod',
    ]);
    for (const apart of estate.cost.apart) {
      expect(apart.idle).toBeGreaterThan(0);
      expect(apart.unallocated).toBeGreaterThan(0);
    }

    expect(estate.backups.worstRpo).toMatchObject({ environment: 'prod' });
    expect(estate.backups.errors).toEqual([]);
    // The fleet is promotion-enabled; nothing waits for an approval yet.
    expect(estate.approvals).toEqual([]);
  });

  it('answers a system with every service part of it, failing rows first, a service in two systems naming both', async () => {
    const estate = await estateOf('system', 'example-platform');
    expect(estate.kind).toBe('system');
    const chores = rowOf(estate, CHORES);
    expect(chores.failing).toBe(true);
    expect(chores.environments.staging.health).toBe('Degraded');
    expect(chores.systems).toEqual([PLATFORM, 'system:default/household']);
    rowOf(estate, PAYMENTS);
    const firstHealthy = estate.services.findIndex(s => !s.failing);
    const lastFailing = estate.services.map(s => s.failing).lastIndexOf(true);
    expect(lastFailing).toBeLessThan(
      firstHealthy === -1 ? Infinity : firstHealthy,
    );

    const household = await estateOf('system', 'household');
    expect(household.services.map(s => s.entityRef)).toEqual([CHORES]);
    expect(household.cost.rows.every(r => r.entityRef === CHORES)).toBe(true);
  });

  it('leaves out a member the reader may not read in the catalog, from the rows and every sum', async () => {
    const estate = await estateOf('system', 'example-platform');
    expect(
      estate.services.some(s => s.entityRef.endsWith('/schedule-bot')),
    ).toBe(false);
    expect(
      estate.cost.rows.some(r => r.entityRef.endsWith('/schedule-bot')),
    ).toBe(false);
    expect(
      estate.backups.failures.some(f => f.entityRef.endsWith('/schedule-bot')),
    ).toBe(false);
    // schedule-bot is still a member: its own group's estate leaves it out too.
    const schedule = await estateOf('group', 'team-schedule');
    expect(schedule.services).toEqual([]);
  });

  it('answers a group without services with an empty estate', async () => {
    const estate = await estateOf('group', 'team-empty');
    expect(estate).toMatchObject({
      services: [],
      environments: [],
      approvals: [],
      cost: { rows: [], total: 0, byEnvironment: {} },
      backups: { uncovered: [], failures: [] },
    });
  });

  it('refuses bad input naming the field, and hides a group the reader may not read', async () => {
    const component = await get(estatePath('component', 'payments-api'));
    expect(component.status).toBe(400);
    expect(component.body.error.name).toBe('InputError');
    expect(component.body.error.message).toMatch(/path\.kind.*component/);
    const window = await get(
      estatePath('group', 'team-payments', '?window=5y'),
    );
    expect(window.status).toBe(400);
    expect(window.body.error.message).toMatch(/query\.window/);
    expect((await get(estatePath('group', 'team-household'))).status).toBe(404);
    expect((await get(estatePath('group', 'no-such-team'))).status).toBe(404);
    const csv = await get(estatePath('group', 'team-household', '/cost.csv'));
    expect(csv.status).toBe(404);
  });

  it('exports the cost as CSV: one row per service × environment, then idle and unallocated per cluster', async () => {
    const estate = await estateOf('group', 'team-payments', '?window=30d');
    const res = await get(
      estatePath('group', 'team-payments', '/cost.csv?window=30d'),
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="team-payments-cost-30d.csv"',
    );
    const [header, ...records] = parseCsv(res.text);
    expect(header).toEqual([
      'kind',
      'entity_ref',
      'environment',
      'cluster',
      'window',
      'currency',
      'total',
      'cpu',
      'ram',
      'pv',
      'network',
      'efficiency',
    ]);
    const services = records.filter(r => r[0] === 'service');
    expect(services).toHaveLength(estate.cost.rows.length);
    const prod = estate.cost.rows.find(
      r => r.entityRef === PAYMENTS && r.environment === 'prod',
    )!;
    const prodLine = services.find(r => r[1] === PAYMENTS && r[2] === 'prod')!;
    expect(prodLine.slice(4, 11)).toEqual([
      '30d',
      'USD',
      String(prod.total),
      String(prod.cpu),
      String(prod.ram),
      String(prod.pv),
      String(prod.network),
    ]);
    const apart = records.filter(r => r[0] !== 'service');
    expect(apart.map(r => `${r[0]} ${r[3]}`).sort()).toEqual([
      'idle cluster-main',
      'idle cluster-prod',
      'unallocated cluster-main',
      'unallocated cluster-prod',
    ]);
    for (const r of apart) expect(r[1]).toBe('');
    for (const r of records) expect(r).toHaveLength(header.length);
  });

  it("answers the cost trend summed over the members' own trends per environment", async () => {
    const estate = await estateOf('system', 'example-platform');
    const res = await get(
      estatePath('system', 'example-platform', '/cost-trend'),
    );
    expect(res.status).toBe(200);
    const trend = res.body as EntityCostTrend;
    expect(trend.entityRef).toBe(PLATFORM);
    expect(trend.environments.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    const expected = new Map<string, number>();
    for (const service of estate.services) {
      const name = service.entityRef.split('/')[1];
      const own = (
        await get(`/api/gitops/entities/component/default/${name}/cost-trend`)
      ).body as EntityCostTrend;
      for (const e of own.environments) {
        for (const p of e.daily) {
          const key = `${e.name} ${p.date}`;
          expected.set(key, (expected.get(key) ?? 0) + p.total);
        }
      }
    }
    const got = new Map(
      trend.environments.flatMap(e =>
        e.daily.map(p => [`${e.name} ${p.date}` as string, p.total] as const),
      ),
    );
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, total] of expected) {
      expect(got.get(key)).toBeCloseTo(total, 1);
    }
  });

  it("recomputes when a member's view changes and signals its group's and systems' pages only", async () => {
    const first = await get(estatePath('group', 'team-payments'));
    const etag = first.headers.etag;
    expect(
      (
        await get(estatePath('group', 'team-payments')).set(
          'if-none-match',
          etag,
        )
      ).status,
    ).toBe(304);
    env.backend.signals.length = 0;
    // `kubectl set image` behind Argo CD's back: payments-api-prod goes Degraded.
    env.fleet.control.setLiveImage(
      'argocd-prod',
      'payments-api-prod',
      'payments-api',
      'registry.example.com/payments-api:1.3.0-bad',
    );
    let estate: EntityEstate | undefined;
    await waitFor(
      async () => {
        estate = await estateOf('group', 'team-payments');
        return rowOf(estate, PAYMENTS).environments.prod.health === 'Degraded';
      },
      20_000,
      "payments-api's prod to be Degraded in its group's estate",
    );
    expect(rowOf(estate!, PAYMENTS).failing).toBe(true);
    expect(estate!.services[0].failing).toBe(true);
    // Each estate is published as it is recomputed: the group's and the system's, in any order.
    await waitFor(
      () =>
        ['gitops:group:default/team-payments', `gitops:${PLATFORM}`].every(
          channel => env.backend.signals.some(s => s.channel === channel),
        ),
      5_000,
      "the group's and the system's signals",
    );
    const channels = new Set(env.backend.signals.map(s => s.channel));
    expect(channels).toContain(`gitops:${PLATFORM}`);
    expect(channels).not.toContain('gitops:group:default/team-household');
    expect(channels).not.toContain('gitops:system:default/household');
    expect(
      env.backend.signals.find(
        s => s.channel === 'gitops:group:default/team-payments',
      )?.message,
    ).toEqual({
      type: 'overview-changed',
      entityRef: 'group:default/team-payments',
    });
    const after = await get(estatePath('group', 'team-payments'));
    expect(after.headers.etag).not.toBe(etag);
  });

  it('a cost engine down: the cost says which, the rest renders', async () => {
    await env.fleet.control.setFault('cost:cluster-prod', { down: true });
    const backend = await startGitopsBackend({
      fleet: env.fleet,
      entities: catalog(),
      cold: true,
      gitops: g => ({
        ...g,
        cost: {
          ...g.cost,
          clusters: g.cost.clusters.map((c: any) => ({
            ...c,
            timeoutMs: 1500,
          })),
        },
      }),
    });
    try {
      let estate: EntityEstate | undefined;
      await waitFor(
        async () => {
          const res = await request(backend.server).get(
            estatePath('group', 'team-payments'),
          );
          estate = res.body;
          return (
            res.status === 200 &&
            estate!.cost.errors.some(e => !e.includes('not read yet')) &&
            estate!.sources
              .filter(s => !(s.kind === 'cost' && s.name === 'cluster-prod'))
              .every(s => s.status === 'ok') &&
            estate!.services.some(
              s => s.entityRef === PAYMENTS && s.environments.prod,
            ) &&
            estate!.cost.rows.some(r => r.environment === 'staging')
          );
        },
        30_000,
        'cluster-prod to fail and the rest to be read',
      );
      expect(estate!.cost.errors).toEqual([
        expect.stringMatching(
          /^opencost cluster-prod: .*(connection error|network error)/,
        ),
      ]);
      expect(
        estate!.cost.rows
          .filter(r => r.entityRef === PAYMENTS)
          .map(r => r.environment),
      ).toEqual(['dev', 'staging']);
      expect(estate!.cost.apart.map(a => a.cluster)).toEqual(['cluster-main']);
      expect(rowOf(estate!, PAYMENTS).environments.prod.version).toBeDefined();
      expect(rowOf(estate!, PAYMENTS).sourceErrors).toEqual([
        expect.stringMatching(/^opencost cluster-prod/),
      ]);

      // The trend asks only the engines that hold the members' namespaces: prod is left out.
      const trend = await request(backend.server).get(
        estatePath('group', 'team-payments', '/cost-trend'),
      );
      expect(trend.status).toBe(200);
      expect(
        (trend.body as EntityCostTrend).environments.map(e => e.name),
      ).toEqual(['dev', 'staging']);
    } finally {
      await backend.stop();
      await env.fleet.control.clearFaults();
    }
  });
});
