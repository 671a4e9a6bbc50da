import { startFleet, Fleet } from '../fleet';
import { optionsFromArgs, parseArgs } from '../cliOptions';
import { stopAndClean, tempDir } from '../testUtils';
import type { WatchEvent } from './instance';

jest.setTimeout(60_000);

describe('periodic reconciliation', () => {
  let fleet: Fleet;
  const START = Date.parse('2026-11-23T10:00:00Z');
  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      startTime: new Date(START),
      instances: 2,
      appsPerInstance: 300,
      argo: { reconcileIntervalMs: 60_000, reconcileJitterMs: 30_000 },
    });
  });
  afterAll(() => stopAndClean(fleet));

  it('refreshes every app about once per interval plus jitter: reconciledAt and a MODIFIED event', async () => {
    const inst = fleet.internals.instances[0];
    const counts = new Map<string, number>();
    const rvs: number[] = [];
    const seconds = new Set<number>();
    const onEvent = (ev: WatchEvent) => {
      if (ev.type !== 'MODIFIED') return;
      seconds.add(Math.floor(fleet.clock.now().getTime() / 1000));
      counts.set(ev.app.name, (counts.get(ev.app.name) ?? 0) + 1);
      rvs.push(Number(ev.app.obj.metadata.resourceVersion));
    };
    inst.events.on('event', onEvent);
    const before = new Map(
      [...inst.apps.values()].map(a => [
        a.name,
        a.obj.metadata.resourceVersion,
      ]),
    );
    // Nothing is due before the interval.
    await fleet.clock.advance(59_000);
    expect(counts.size).toBe(0);
    // Within interval + jitter every app was reconciled once.
    await fleet.clock.advance(31_000);
    expect(counts.size).toBe(inst.apps.size);
    expect(Math.max(...counts.values())).toBe(1);
    for (const a of inst.apps.values()) {
      expect(Date.parse(a.obj.status.reconciledAt)).toBeGreaterThan(START);
      expect(a.obj.metadata.resourceVersion).not.toBe(before.get(a.name));
      // The served JSON is the reconciled state.
      expect(JSON.parse(inst.json(a)).status.reconciledAt).toBe(
        a.obj.status.reconciledAt,
      );
    }
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    // The jitter spreads the first round over the 30 s jitter window.
    expect(seconds.size).toBeGreaterThan(25);
    // Ten more minutes: 600 s / (60..90 s) = 6 to 10 more per app.
    counts.clear();
    await fleet.clock.advance(600_000);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThanOrEqual(6);
      expect(n).toBeLessThanOrEqual(10);
    }
    inst.events.off('event', onEvent);
  });

  it('uses one clock task per instance, not one per app', () => {
    const r = fleet.internals.reconcilers;
    expect(r).toHaveLength(2);
    expect(r[0].pending).toBe(fleet.internals.instances[0].apps.size);
    // 600+ apps are scheduled; the clock holds a handful of tasks (one per reconciler, plus
    // Velero's schedules), not one per app.
    expect(fleet.internals.simClock.pending).toBeLessThan(50);
  });

  it('an app refreshed meanwhile (a sync) is not due until an interval after that', async () => {
    const inst = fleet.internals.instances[0];
    const app = inst.apps.get('svc-0-00003-dev')!;
    const due = app.reconcileDue!;
    // Reconcile it now by hand (as a sync's refresh does); its periodic turn is pushed back.
    await fleet.clock.advance(due - fleet.clock.now().getTime() - 1000);
    inst.reconcile(app);
    const at = app.obj.status.reconciledAt;
    await fleet.clock.advance(2000);
    expect(app.obj.status.reconciledAt).toBe(at);
    expect(app.reconcileDue! - Date.parse(at)).toBeGreaterThanOrEqual(60_000);
  });
});

describe('reconciliation switched off', () => {
  it('reconcileIntervalMs 0: no periodic events', async () => {
    const fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 10,
      argo: { reconcileIntervalMs: 0 },
    });
    try {
      let events = 0;
      fleet.internals.instances[0].events.on('event', () => events++);
      await fleet.clock.advance(30 * 60_000);
      expect(events).toBe(0);
      expect(fleet.internals.reconcilers[0].pending).toBe(0);
    } finally {
      await stopAndClean(fleet);
    }
  });

  it('the start command takes --reconcile-ms and --reconcile-jitter-ms', () => {
    expect(
      optionsFromArgs(
        parseArgs(['--reconcile-ms', '0', '--reconcile-jitter-ms=500']),
      ).argo,
    ).toEqual({ reconcileIntervalMs: 0, reconcileJitterMs: 500 });
    expect(optionsFromArgs(parseArgs([])).argo).toBeUndefined();
  });
});
