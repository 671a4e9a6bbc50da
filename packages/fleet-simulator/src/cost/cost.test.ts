import { startFleet, Fleet } from '../fleet';
import { fleetFetch, stopAndClean, tempDir } from '../testUtils';
import { parseWindow } from './window';

jest.setTimeout(30_000);

const NOW = Date.parse('2026-11-23T10:00:00Z');

describe('cost allocation API', () => {
  let fleet: Fleet;
  let main: string;
  let prod: string;
  const get = async (base: string, q: string) => {
    const res = await fleetFetch(fleet, `${base}${q}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 2,
      startTime: new Date(NOW),
    });
    main = fleet.cost[0].url;
    prod = fleet.cost[1].url;
  });
  afterAll(() => stopAndClean(fleet));

  it('splits namespaces by cluster and prices by replicas × requests', async () => {
    const m = (
      await get(
        main,
        '/model/allocation?window=7d&aggregate=namespace&accumulate=true',
      )
    ).body.data[0];
    const p = (
      await get(
        prod,
        '/allocation/compute?window=7d&aggregate=namespace&accumulate=true',
      )
    ).body.data[0];
    expect(Object.keys(m)).toEqual(
      expect.arrayContaining([
        'payments-api-dev',
        'payments-api-staging',
        '__idle__',
      ]),
    );
    expect(m['payments-api-prod']).toBeUndefined();
    expect(p['payments-api-prod']).toBeDefined();
    expect(p.__idle__).toBeUndefined(); // OpenCost: idle only with includeIdle=true
    const dev = m['payments-api-dev'];
    expect(dev.cpuCoreRequestAverage).toBeCloseTo(0.05, 5);
    // "7d" is today (to now, 10:00) and the six days before, midnight to midnight.
    expect(dev.window).toEqual({
      start: '2026-11-17T00:00:00Z',
      end: '2026-11-24T00:00:00Z',
    });
    expect([dev.start, dev.end]).toEqual([
      '2026-11-17T00:00:00Z',
      '2026-11-23T10:00:00Z',
    ]);
    expect(dev.minutes).toBe(6 * 24 * 60 + 10 * 60);
    expect(dev.cpuCoreHours).toBeCloseTo(0.05 * 154, 3);
    // staging: 2 replicas × 100m vs dev: 1 × 50m
    expect(m['payments-api-staging'].cpuCost / dev.cpuCost).toBeCloseTo(4, 1);
    expect(dev.totalCost).toBeCloseTo(
      dev.cpuCost + dev.ramCost + dev.pvCost + dev.networkCost,
      4,
    );
    expect(dev.cpuEfficiency).toBeGreaterThan(0);
    expect(dev.cpuEfficiency).toBeLessThan(1);
    expect(p['payments-api-prod'].pvCost).toBeGreaterThan(0);
  });

  it('is deterministic', async () => {
    const q = '/model/allocation?window=30d&aggregate=namespace&step=1d';
    expect((await get(main, q)).body).toEqual((await get(main, q)).body);
  });

  it('aggregates by sanitised labels, controller and cluster', async () => {
    const byLabel = (
      await get(
        main,
        '/model/allocation?window=24h&aggregate=label:app.kubernetes.io/name',
      )
    ).body.data[0];
    expect(Object.keys(byLabel)).toEqual(
      expect.arrayContaining([
        'payments-api',
        'chores-api',
        'schedule-bot',
        '__unallocated__',
        '__idle__',
      ]),
    );
    expect(
      byLabel['payments-api'].properties.labels.app_kubernetes_io_name,
    ).toBe('payments-api');
    const multi = (
      await get(
        main,
        '/model/allocation?window=24h&aggregate=label:app,label:environment&idle=false',
      )
    ).body.data[0];
    expect(multi['payments-api/staging']).toBeDefined();
    const ctrl = (
      await get(main, '/model/allocation?window=24h&aggregate=controller')
    ).body.data[0];
    expect(ctrl['deployment:payments-api']).toBeDefined();
    const cluster = (
      await get(
        main,
        '/model/allocation?window=24h&aggregate=cluster&idle=false',
      )
    ).body.data[0];
    expect(Object.keys(cluster)).toEqual(['cluster-main']);
  });

  it('filters with the Kubecost filter language', async () => {
    const keys = async (f: string) =>
      Object.keys(
        (
          await get(
            main,
            `/model/allocation?window=24h&aggregate=namespace&idle=false&filter=${encodeURIComponent(
              f,
            )}`,
          )
        ).body.data[0],
      ).sort();
    expect(await keys('namespace:"payments-api-dev","chores-api-dev"')).toEqual(
      ['chores-api-dev', 'payments-api-dev'],
    );
    expect(
      await keys('label[app]:"payments-api"+namespace!:"payments-api-dev"'),
    ).toEqual(['payments-api-staging']);
    expect(await keys('label[app.kubernetes.io/name]:"schedule-bot"')).toEqual([
      'schedule-bot-dev',
      'schedule-bot-staging',
    ]);
  });

  it('returns one set per step unless accumulated, and can share idle', async () => {
    expect(
      (
        await get(
          main,
          '/model/allocation?window=7d&step=1d&aggregate=namespace',
        )
      ).body.data,
    ).toHaveLength(7);
    expect(
      (await get(main, '/model/allocation?window=7d&step=1d&accumulate=true'))
        .body.data,
    ).toHaveLength(1);
    const plain = (
      await get(main, '/model/allocation?window=24h&aggregate=namespace')
    ).body.data[0];
    const shared = (
      await get(
        main,
        '/model/allocation?window=24h&aggregate=namespace&shareIdle=true',
      )
    ).body.data[0];
    expect(shared.__idle__).toBeUndefined();
    const sum = (s: any) =>
      Object.values<any>(s).reduce((t, a) => t + a.totalCost, 0);
    expect(sum(shared)).toBeCloseTo(sum(plain), 1);
  });

  it('cluster faults hit both the cost and the kube API of that cluster', async () => {
    fleet.control.resetCounts();
    await fleet.control.setFault('cluster-main', { status: 502 });
    expect((await get(main, '/model/allocation?window=1d')).status).toBe(502);
    const kube = fleet.kube[0];
    expect(
      (
        await fleetFetch(fleet, `${kube.url}/version`, {
          headers: { authorization: `Bearer ${kube.token}` },
        })
      ).status,
    ).toBe(502);
    expect((await get(prod, '/allocation?window=1d')).status).toBe(200);
    await fleet.control.clearFaults();
    expect((await get(main, '/model/allocation?window=1d')).status).toBe(200);
    const counts = fleet.control.counts();
    expect(counts.cost['cluster-main']).toEqual({
      'FAULT 502': 1,
      'GET /model/allocation': 1,
    });
    expect(counts.cost['cluster-prod']).toEqual({ 'GET /allocation': 1 });
  });

  it('rejects bad windows with a 400', async () => {
    expect((await get(main, '/model/allocation?window=banana')).status).toBe(
      400,
    );
    expect((await get(main, '/model/allocation')).status).toBe(400);
  });
});

describe('window parsing', () => {
  it('understands keywords, durations, RFC3339 and unix pairs', () => {
    const day = 86_400_000;
    const midnight = Date.parse('2026-11-23T00:00:00Z');
    expect(parseWindow('today', NOW)).toEqual({
      start: midnight,
      end: midnight + day,
    });
    expect(parseWindow('yesterday', NOW)).toEqual({
      start: midnight - day,
      end: midnight,
    });
    expect(parseWindow('7d', NOW)).toEqual({
      start: midnight - 6 * day,
      end: midnight + day,
    });
    expect(parseWindow('24h', NOW + 30 * 60_000)).toEqual({
      start: NOW + 3600_000 - day,
      end: NOW + 3600_000,
    });
    expect(parseWindow('2w', NOW)).toEqual({
      start: midnight + day - 14 * day,
      end: midnight + day,
    });
    expect(parseWindow('week', NOW).start).toBe(
      Date.parse('2026-11-22T00:00:00Z'),
    ); // Sunday
    expect(parseWindow('lastweek', NOW)).toEqual({
      start: Date.parse('2026-11-15T00:00:00Z'),
      end: Date.parse('2026-11-22T00:00:00Z'),
    });
    expect(parseWindow('month', NOW).start).toBe(
      Date.parse('2026-11-01T00:00:00Z'),
    );
    expect(
      parseWindow('2026-11-01T00:00:00Z,2026-11-02T00:00:00Z', NOW),
    ).toEqual({
      start: Date.parse('2026-11-01T00:00:00Z'),
      end: Date.parse('2026-11-02T00:00:00Z'),
    });
    expect(parseWindow('1700000000,1700086400', NOW)).toEqual({
      start: 1700000000000,
      end: 1700086400000,
    });
    expect(() =>
      parseWindow('2026-11-02T00:00:00Z,2026-11-01T00:00:00Z', NOW),
    ).toThrow();
  });
});
