import type {
  ApplicationSummary,
  EnvironmentOverview,
} from '@internal/backstage-plugin-gitops-common';
import type { OverviewContent } from '../overviewBuilder';
import { composeEstate } from './composeEstate';
import { summarizeMember } from './memberSummary';

const ORDER = ['dev', 'staging', 'prod'];

const app = (
  name: string,
  over: Partial<ApplicationSummary> = {},
): ApplicationSummary => ({
  instance: 'argocd-main',
  name,
  environment: name.split('-').pop()!,
  sync: 'Synced',
  health: 'Healthy',
  images: [],
  autoSync: true,
  ...over,
});

const env = (
  name: string,
  version: string | undefined,
  over: Partial<EnvironmentOverview> = {},
  apps: ApplicationSummary[] = [app(`svc-${name}`)],
): EnvironmentOverview => ({
  name,
  applications: apps,
  version: {
    ...(version ? { version } : {}),
    deployedAt: `2026-12-0${ORDER.indexOf(name) + 1}T00:00:00Z`,
  },
  ...over,
});

const overview = (
  name: string,
  environments: EnvironmentOverview[],
  sources: OverviewContent['sources'] = [],
): OverviewContent => ({
  entityRef: `component:default/${name}`,
  environments,
  sources,
  promotionsConfigured: true,
});

const member = (o: OverviewContent, systems: string[] = []) => ({
  summary: summarizeMember({
    overview: o,
    order: ORDER,
    productionEnvironments: ['prod'],
  }),
  systems,
});

const cost = (total: number) => ({
  window: '7d',
  currency: 'USD',
  total,
  cpu: total / 2,
  ram: total / 2,
  pv: 0,
  network: 0,
});

const backup = (over: Partial<NonNullable<EnvironmentOverview['backup']>>) => ({
  schedules: [],
  failures: [],
  uncoveredNamespaces: [],
  unavailableLocations: [],
  ...over,
});

describe('summarizeMember', () => {
  it("takes each cell's version, worst sync and health, and a version waiting in the environment before it", () => {
    const { row } = summarizeMember({
      overview: overview('svc', [
        env('dev', '1.4.0'),
        // No staging: prod waits for dev's version.
        env('prod', '1.3.0', {}, [
          app('svc-prod-a', { health: 'Progressing' }),
          app('svc-prod-b', { sync: 'OutOfSync', health: 'Degraded' }),
        ]),
      ]),
      order: ORDER,
      productionEnvironments: ['prod'],
    });
    expect(row.environments).toEqual({
      dev: {
        version: '1.4.0',
        sync: 'Synced',
        health: 'Healthy',
        lastDeployedAt: '2026-12-01T00:00:00Z',
        applications: 1,
      },
      prod: {
        version: '1.3.0',
        sync: 'OutOfSync',
        health: 'Degraded',
        lastDeployedAt: '2026-12-03T00:00:00Z',
        waitingVersion: '1.4.0',
        applications: 2,
      },
    });
    expect(row).toMatchObject({
      failing: true,
      drifted: true,
      lastDeployedAt: '2026-12-03T00:00:00Z',
    });
  });

  it('marks a failed last sync as failing and a failed source in the row', () => {
    const { row } = summarizeMember({
      overview: overview(
        'svc',
        [
          env('dev', '1.0.0', {}, [
            app('svc-dev', {
              operation: { phase: 'Failed', kind: 'sync', message: 'hook' },
            }),
          ]),
        ],
        [
          {
            kind: 'cost',
            provider: 'opencost',
            name: 'cluster-prod',
            status: 'error',
            error: 'connection error',
          },
        ],
      ),
      order: ORDER,
      productionEnvironments: ['prod'],
    });
    expect(row.environments.dev.syncFailed).toBe(true);
    expect(row.failing).toBe(true);
    expect(row.drifted).toBe(false);
    expect(row.sourceErrors).toEqual([
      'opencost cluster-prod: connection error',
    ]);
  });
});

describe('composeEstate', () => {
  it("orders rows failing first, then drifted, then by ref, naming each row's systems", () => {
    const estate = composeEstate({
      kind: 'system',
      window: '7d',
      order: ORDER,
      apart: [],
      members: [
        member(
          overview('a-healthy', [env('dev', '1.0.0'), env('staging', '1.0.0')]),
        ),
        member(
          overview('b-drifted', [env('dev', '2.0.0'), env('staging', '1.0.0')]),
        ),
        member(
          overview('c-failing', [
            env('dev', '1.0.0', {}, [app('c-dev', { health: 'Missing' })]),
          ]),
          ['system:default/one', 'system:default/two'],
        ),
        member(overview('0-healthy', [env('qa', '1.0.0')])),
      ],
    });
    expect(estate.services.map(s => s.entityRef)).toEqual([
      'component:default/c-failing',
      'component:default/b-drifted',
      'component:default/0-healthy',
      'component:default/a-healthy',
    ]);
    expect(estate.services[0].systems).toEqual([
      'system:default/one',
      'system:default/two',
    ]);
    // Environments outside the promotion order come last.
    expect(estate.environments).toEqual(['dev', 'staging', 'qa']);
  });

  it('sums cost per environment and in total, keeps what is apart out of it, and names a failed cost source once', () => {
    const down = {
      kind: 'cost' as const,
      provider: 'opencost',
      name: 'cluster-prod',
      status: 'error' as const,
      error: 'connection error',
    };
    const estate = composeEstate({
      kind: 'group',
      window: '7d',
      order: ORDER,
      apart: [{ cluster: 'cluster-main', idle: 100 }],
      members: [
        member(
          overview(
            'a',
            [
              env('dev', '1', { cost: cost(1.11) }),
              env('prod', '1', { cost: cost(10) }),
            ],
            [down],
          ),
        ),
        member(overview('b', [env('dev', '1', { cost: cost(2.22) })], [down])),
      ],
    });
    expect(
      estate.cost.rows.map(r => `${r.entityRef} ${r.environment}`),
    ).toEqual([
      'component:default/a dev',
      'component:default/a prod',
      'component:default/b dev',
    ]);
    expect(estate.cost.byEnvironment).toEqual({ dev: 3.33, prod: 10 });
    expect(estate.cost.total).toBe(13.33);
    expect(estate.cost.currency).toBe('USD');
    expect(estate.cost.apart).toEqual([{ cluster: 'cluster-main', idle: 100 }]);
    expect(estate.cost.errors).toEqual([
      'opencost cluster-prod: connection error',
    ]);
    expect(estate.sources).toEqual([down]);
  });

  it("lists prod's uncovered namespaces, the worst prod RPO (never backed up first) and failures newest first", () => {
    const estate = composeEstate({
      kind: 'group',
      window: '7d',
      order: ORDER,
      apart: [],
      members: [
        member(
          overview('a', [
            // dev is older, but prod environments come first.
            env('dev', '1', {
              backup: backup({
                lastSuccessfulAt: '2026-01-01T00:00:00Z',
                uncoveredNamespaces: ['a-dev'],
                failures: [
                  {
                    name: 'a-dev-1',
                    phase: 'Failed',
                    at: '2026-12-03T00:00:00Z',
                    errors: 1,
                    warnings: 0,
                  },
                ],
              }),
            }),
            env('prod', '1', {
              backup: backup({
                lastSuccessfulAt: '2026-12-01T00:00:00Z',
                rpoSeconds: 3600,
                uncoveredNamespaces: ['a-prod'],
                failures: [
                  {
                    name: 'a-prod-1',
                    phase: 'PartiallyFailed',
                    at: '2026-12-01T00:00:00Z',
                    errors: 1,
                    warnings: 0,
                  },
                ],
              }),
            }),
          ]),
        ),
        member(
          overview('b', [
            env('prod', '1', {
              backup: backup({
                lastSuccessfulAt: '2026-11-01T00:00:00Z',
                rpoSeconds: 90000,
                rpoTargetSeconds: 86400,
                failures: [
                  {
                    name: 'b-prod-1',
                    phase: 'Failed',
                    at: '2026-12-05T00:00:00Z',
                    errors: 2,
                    warnings: 0,
                  },
                ],
              }),
            }),
          ]),
        ),
      ],
    });
    expect(estate.backups.uncovered).toEqual([
      {
        entityRef: 'component:default/a',
        environment: 'prod',
        namespace: 'a-prod',
      },
    ]);
    expect(estate.backups.worstRpo).toEqual({
      entityRef: 'component:default/b',
      environment: 'prod',
      rpoSeconds: 90000,
      rpoTargetSeconds: 86400,
      lastSuccessfulAt: '2026-11-01T00:00:00Z',
    });
    expect(estate.backups.failures.map(f => f.name)).toEqual([
      'b-prod-1',
      'a-dev-1',
      'a-prod-1',
    ]);

    const never = composeEstate({
      kind: 'group',
      window: '7d',
      order: ORDER,
      apart: [],
      members: [
        member(overview('c', [env('prod', '1', { backup: backup({}) })])),
        member(
          overview('d', [
            env('prod', '1', {
              backup: backup({ lastSuccessfulAt: '2020-01-01T00:00:00Z' }),
            }),
          ]),
        ),
      ],
    });
    expect(never.backups.worstRpo).toEqual({
      entityRef: 'component:default/c',
      environment: 'prod',
    });
  });
});
