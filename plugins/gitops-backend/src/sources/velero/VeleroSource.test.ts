import type {
  BackupClusterData,
  SourceState,
} from '@internal/backstage-plugin-gitops-node';
import type { Fleet } from '@internal/fleet-simulator';
import {
  capturingLogger,
  startTestFleet,
  waitFor,
} from '../../__testUtils__/fleetBackend';
import { VeleroSource } from './VeleroSource';

// Real servers (the simulated fleet) on a shared 2-core machine: generous timeouts.
jest.setTimeout(60_000);

describe('VeleroSource against the simulated Kubernetes API', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
  });
  afterAll(() => cleanup());
  afterEach(() => fleet.control.clearFaults());

  /** Runs the source of cluster-prod into a recording sink. */
  function run(lines: string[] = []) {
    const k = fleet.kube[1];
    const source = new VeleroSource(
      {
        name: k.cluster,
        kubeconfigPath: k.kubeconfigPath,
        namespace: 'velero',
        timeoutMs: 1000,
      } as any,
      {
        logger: capturingLogger(lines),
        retryMs: { min: 50, max: 200 },
        batchMs: 10,
      },
    );
    const seen: BackupClusterData[] = [];
    const states: SourceState[] = [];
    const controller = new AbortController();
    const done = source.run(
      { set: d => seen.push(d), setStatus: s => states.push(s) },
      controller.signal,
    );
    return {
      seen,
      states,
      last: () => seen[seen.length - 1],
      stop: async () => {
        controller.abort();
        await done;
      },
    };
  }

  it('lists Backups, Schedules and locations, then follows their changes', async () => {
    const r = run();
    await waitFor(() => r.states.some(s => s.state === 'ok'), 10_000, 'ok');
    expect(r.last().schedules.map(s => s.name)).toContain(
      'payments-api-prod-daily',
    );
    expect(r.last().backups.length).toBeGreaterThan(0);
    expect(r.last().locations).toEqual([
      { name: 'default', phase: 'Available' },
    ]);
    // A change on the cluster reaches the sink through the watch.
    fleet.control.setBackupLocationAvailable('cluster-prod', false);
    await waitFor(
      () => r.last().locations[0]?.phase === 'Unavailable',
      10_000,
      'the watch event',
    );
    fleet.control.setBackupLocationAvailable('cluster-prod', true);
    await waitFor(
      () => r.last().locations[0]?.phase === 'Available',
      10_000,
      'the watch event',
    );
    await r.stop();
  });

  it('re-lists when the API server says the resourceVersion is too old (410), losing nothing', async () => {
    const r = run();
    await waitFor(() => r.states.some(s => s.state === 'ok'), 10_000, 'ok');
    const good = r.last();
    const lists = () =>
      fleet.control.counts().kube['cluster-prod'][
        'GET /apis/velero.io/v1/namespaces/:ns/:plural'
      ];
    const before = lists();
    // Open watches end; re-watching from their resourceVersion meets 410 Expired.
    await fleet.control.setFault('kube:cluster-prod', {
      expireResourceVersion: true,
    });
    await waitFor(() => lists() >= before + 6, 10_000, 're-lists');
    await fleet.control.clearFaults();
    fleet.control.setBackupLocationAvailable('cluster-prod', false);
    await waitFor(
      () => r.last().locations[0]?.phase === 'Unavailable',
      10_000,
      'watching again',
    );
    expect(r.last().schedules).toEqual(good.schedules);
    expect(r.states.every(s => s.state === 'ok')).toBe(true);
    fleet.control.setBackupLocationAvailable('cluster-prod', true);
    await r.stop();
  });

  it('keeps the last state, stale, when the API goes away, and heals when it is back', async () => {
    const lines: string[] = [];
    const r = run(lines);
    await waitFor(() => r.states.some(s => s.state === 'ok'), 10_000, 'ok');
    const good = r.last();
    await fleet.control.setFault('kube:cluster-prod', { down: true });
    await waitFor(
      () => r.states[r.states.length - 1]?.state === 'stale',
      15_000,
      'stale',
    );
    // Nothing was replaced by an empty state meanwhile.
    expect(r.last()).toEqual(good);
    await fleet.control.clearFaults();
    await waitFor(
      () => r.states[r.states.length - 1]?.state === 'ok',
      15_000,
      'recovered',
    );
    expect(lines.filter(l => l.startsWith('warn')).length).toBeGreaterThan(0);
    expect(lines.some(l => l.includes('recovered'))).toBe(true);
    await r.stop();
  });
});
