import { startFleet, Fleet } from '../fleet';
import { fleetFetch, stopAndClean, tempDir } from '../testUtils';
import { workloadsFromApps } from './workloads';

jest.setTimeout(30_000);

const NOW = Date.parse('2026-11-23T10:00:00Z');

describe('allocation queries (aggregate, accumulate, step, filter)', () => {
  let fleet: Fleet;
  let kubecost: string;
  let opencost: string;
  const get = async (url: string) => {
    const res = await fleetFetch(fleet, url);
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // plain-text errors stay text
    }
    return { status: res.status, type: res.headers.get('content-type'), body };
  };
  const kc = (q: string) => get(`${kubecost}/model/allocation?${q}`);
  const oc = (q: string) => get(`${opencost}/allocation?${q}`);
  const f = (filter: string) => `filter=${encodeURIComponent(filter)}`;
  const keys = (set: Record<string, unknown>) => Object.keys(set).sort();
  /** Workloads of a cluster as the cost model sees them. */
  const workloads = (ci: number) =>
    workloadsFromApps(
      fleet.cost[ci].cluster,
      fleet.internals.instances
        .filter((_, i) => i % 2 === ci)
        .flatMap(inst => [...inst.apps.values()]),
    );

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 12,
      startTime: new Date(NOW),
      argo: { reconcileIntervalMs: 0 },
    });
    kubecost = fleet.cost[0].url;
    opencost = fleet.cost[1].url;
  });
  afterAll(() => stopAndClean(fleet));

  it('accumulate=true&aggregate=namespace,label:app: one row per (namespace, app) for the whole window', async () => {
    for (const [ci, query] of [
      [0, kc],
      [1, oc],
    ] as const) {
      const res = await query(
        'window=30d&accumulate=true&aggregate=namespace,label:app',
      );
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(1);
      const expected = new Set(
        workloads(ci).map(
          w => `${w.namespace}/${w.labels.app ?? '__unallocated__'}`,
        ),
      );
      if (ci === 0) expected.add('__idle__'); // Kubecost includes idle by default
      expect(keys(res.body.data[0])).toEqual([...expected].sort());
      const row =
        res.body.data[0]['payments-api-dev/payments-api'] ??
        res.body.data[0]['payments-api-prod/payments-api'];
      expect(row.window).toEqual({
        start: '2026-10-25T00:00:00Z',
        end: '2026-11-24T00:00:00Z',
      });
      expect(row.end).toBe('2026-11-23T10:00:00Z');
    }
  });

  it('a daily query accumulate=false&step=1d&filter=namespace:"a","b": only those namespaces, one set per day', async () => {
    const res = await kc(
      `window=7d&accumulate=false&step=1d&aggregate=namespace&${f(
        'namespace:"payments-api-dev","chores-api-staging"',
      )}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(7);
    res.body.data.forEach((set: any, i: number) => {
      expect(keys(set)).toEqual([
        '__idle__',
        'chores-api-staging',
        'payments-api-dev',
      ]);
      const day = Date.parse('2026-11-17T00:00:00Z') + i * 86_400_000;
      expect(set['payments-api-dev'].window).toEqual({
        start: new Date(day).toISOString().replace('.000', ''),
        end: new Date(day + 86_400_000).toISOString().replace('.000', ''),
      });
    });
    // Today's set runs to now.
    expect(res.body.data[6]['payments-api-dev'].minutes).toBe(600);
    const open = await oc(
      `window=7d&step=1d&aggregate=namespace&${f(
        'namespace:"payments-api-prod","chores-api-prod"',
      )}`,
    );
    expect(open.body.data).toHaveLength(7);
    for (const set of open.body.data)
      expect(keys(set)).toEqual(['chores-api-prod', 'payments-api-prod']);
  });

  it('without step: Kubecost serves its daily (or hourly) ETL sets, OpenCost one set', async () => {
    expect((await kc('window=7d&aggregate=namespace')).body.data).toHaveLength(
      7,
    );
    expect(
      (await kc('window=today&aggregate=namespace')).body.data,
    ).toHaveLength(1);
    expect((await kc('window=6h&aggregate=namespace')).body.data).toHaveLength(
      6,
    );
    expect((await oc('window=7d&aggregate=namespace')).body.data).toHaveLength(
      1,
    );
    // OpenCost's last step is not clipped to the window.
    const twoDays = (await oc('window=7d&step=2d&aggregate=cluster')).body.data;
    expect(twoDays).toHaveLength(4);
    expect(twoDays[3]['cluster-prod'].window.end).toBe('2026-11-25T00:00:00Z');
    // A set that starts in the future has no data: `today` by the hour.
    const hours = (await oc('window=today&step=1h&aggregate=cluster')).body
      .data;
    expect(hours).toHaveLength(24);
    expect(hours[9]['cluster-prod']).toBeDefined();
    expect(hours[10]).toEqual({});
  });

  it('accumulates by period: Kubecost accumulate=day|week|month, OpenCost accumulateBy', async () => {
    const weeks = (
      await kc('window=14d&accumulate=week&aggregate=cluster&idle=false')
    ).body.data;
    // 2026-11-10 (Tue) .. 11-23 (Mon): weeks end on Saturday.
    expect(weeks.map((s: any) => s['cluster-main'].window)).toEqual([
      { start: '2026-11-10T00:00:00Z', end: '2026-11-15T00:00:00Z' },
      { start: '2026-11-15T00:00:00Z', end: '2026-11-22T00:00:00Z' },
      { start: '2026-11-22T00:00:00Z', end: '2026-11-24T00:00:00Z' },
    ]);
    expect(
      (await kc('window=3d&accumulate=day&aggregate=cluster')).body.data,
    ).toHaveLength(3);
    expect(
      (await kc('window=lastmonth&accumulate=month&aggregate=cluster')).body
        .data,
    ).toHaveLength(1);
    // Kubecost's `accumulate=false` and unknown values accumulate nothing.
    expect(
      (await kc('window=3d&accumulate=false&aggregate=cluster')).body.data,
    ).toHaveLength(3);
    // OpenCost: `accumulate` is a bool, periods go in accumulateBy and need matching steps.
    expect(
      (await oc('window=2d&accumulate=day&aggregate=cluster')).body.data,
    ).toHaveLength(1);
    expect(
      (await oc('window=2d&step=1h&accumulateBy=day&aggregate=cluster')).body
        .data,
    ).toHaveLength(2);
    expect(await oc('window=2d&accumulateBy=day&aggregate=cluster')).toEqual({
      status: 500,
      type: expect.stringContaining('application/json'),
      body: {
        code: 500,
        status: '',
        data: null,
        message:
          'Error: error accumulating by day: window duration must equal 1 hour; got:48h0m0s',
      },
    });
  });

  it('filters with the v2 language: ops, OR, groups, sanitised label keys', async () => {
    const names = async (filter: string, q = kc) =>
      keys(
        (
          await q(
            `window=24h&accumulate=true&aggregate=namespace&idle=false&${f(
              filter,
            )}`,
          )
        ).body.data[0],
      );
    expect(await names('namespace<~:"payments-api-"')).toEqual([
      'payments-api-dev',
      'payments-api-staging',
    ]);
    expect(await names('namespace~>:"-staging"+namespace~:"bot"')).toEqual([
      'schedule-bot-staging',
    ]);
    expect(await names('namespace:"velero"|label[app]:"chores-api"')).toEqual([
      'chores-api-dev',
      'chores-api-staging',
      'velero',
    ]);
    expect(
      await names(
        '(namespace:"velero"|namespace:"kubecost")+controllerName!:"velero"',
      ),
    ).toEqual(['kubecost']);
    // A negated op with several values excludes all of them.
    const rest = await names(
      'namespace!:"kube-system","velero","kubecost"+label[synthetic]!:"true"',
    );
    expect(
      rest.every(n => !['kube-system', 'velero', 'kubecost'].includes(n)),
    ).toBe(true);
    expect(rest).toContain('payments-api-dev');
    // Key-less map: has the (sanitised) key.
    expect(
      await names('label:"app.kubernetes.io/name"+namespace:"velero"'),
    ).toEqual(['velero']);
    expect(await names('label[app.kubernetes.io/name]:"schedule-bot"')).toEqual(
      ['schedule-bot-dev', 'schedule-bot-staging'],
    );
    // v2 values are literal: no wildcard.
    expect(await names('namespace:"payments-api-*"')).toEqual([]);
    // OpenCost takes the same language.
    expect(await names('namespace~:"payments"', oc)).toEqual([
      'payments-api-prod',
      'payments-ledger-prod',
    ]);
  });

  it('rejects bad filters; v1 parameters only on Kubecost and only without `filter`', async () => {
    const bad = await kc(`window=1d&${f('namespace:"a"+cluster:"b"|pod:"c"')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('Expected "+"');
    const unknown = await oc(`window=1d&${f('colour:"red"')}`);
    expect(unknown).toEqual({
      status: 400,
      type: 'text/plain; charset=utf-8',
      body: "Invalid 'filter' parameter: at 'colour': expect filter field\n",
    });
    const v1 = (q: string, query = kc) =>
      query(
        `window=1d&accumulate=true&aggregate=namespace&idle=false&${q}`,
      ).then(r => keys(r.body.data[0]));
    expect(await v1('filterNamespaces=payments-api-*')).toEqual([
      'payments-api-dev',
      'payments-api-staging',
    ]);
    expect(
      await v1(`filterNamespaces=velero&${f('namespace:"kubecost"')}`),
    ).toEqual(['kubecost']);
    expect((await v1('filterNamespaces=velero', oc)).length).toBeGreaterThan(3);
  });

  it('answers a bad window like each upstream', async () => {
    expect(await oc('window=banana')).toEqual({
      status: 400,
      type: 'text/plain; charset=utf-8',
      body: "Invalid 'window' parameter: illegal window: banana\n",
    });
    const k = await kc('window=banana');
    expect(k.status).toBe(400);
    expect(k.body.message).toContain('illegal window');
  });
});
