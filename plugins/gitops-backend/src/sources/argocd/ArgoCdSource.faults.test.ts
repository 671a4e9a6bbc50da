import type { SourceState } from '@internal/backstage-plugin-gitops-node';
import type { Fault, Fleet } from '@internal/fleet-simulator';
import {
  capturingLogger,
  fleetFetch,
  startTestFleet,
  waitFor,
} from '../../__testUtils__/fleetBackend';
import { AppStore, appKey } from '../../store/AppStore';
import { ArgoCdClient } from './ArgoCdClient';
import { ArgoCdSource } from './ArgoCdSource';

// Real servers (the simulated fleet) on a shared 2-core machine: generous timeouts.
jest.setTimeout(60_000);

/**
 * The informer of argocd-prod against the simulated Argo CD's stream faults: whatever the
 * fault, the store keeps the last good state (flagged stale while behind), no application
 * disappears, the failure is logged once, and a re-list brings it back in line.
 */
describe('ArgoCdSource under stream and list faults', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet({
      argo: { reconcileIntervalMs: 0 },
    } as any));
  });
  afterAll(() => cleanup());
  afterEach(async () => {
    await fleet.control.clearFaults();
    await fleet.clock.advance(20_000);
  });

  function run(tuning: { streamIdleMs?: number } = {}) {
    const a = fleet.argo[1];
    const lines: string[] = [];
    const store = new AppStore();
    const states: SourceState[] = [];
    let fewest = Infinity;
    store.onChange(() => {
      // Counted once the first list is in: nothing may vanish afterwards.
      if (states.some(s => s.state === 'ok')) {
        fewest = Math.min(fewest, store.size);
      }
    });
    const source = new ArgoCdSource(
      new ArgoCdClient(
        { name: a.name, url: a.url, token: a.token, timeoutMs: 1000 },
        { now: () => fleet.clock.now() },
        fleetFetch(fleet),
        tuning,
      ),
      {
        logger: capturingLogger(lines),
        resyncMs: 600_000,
        retryMs: { min: 50, max: 200 },
      },
    );
    const controller = new AbortController();
    const done = source.run(
      {
        replaceAll: apps => store.replaceAll(a.name, apps),
        beginList: () => store.beginList(a.name),
        upsert: app => store.upsert(app),
        remove: app => store.remove(a.name, app),
        setStatus: s => {
          states.push(s);
          store.setStatus(a.name, s);
        },
      },
      controller.signal,
    );
    const lists = () =>
      fleet.control.counts().argo[a.name]?.['GET /api/v1/applications'] ?? 0;
    const streams = () =>
      fleet.control.counts().argo[a.name]?.[
        'GET /api/v1/stream/applications'
      ] ?? 0;
    const streamsBefore = streams();
    return {
      store,
      states,
      lines,
      lists,
      fewest: () => fewest,
      state: () => states[states.length - 1]?.state,
      /**
       * The first list is in and the stream is open: a change from now on comes through it
       * (one made before the stream opens is lost, as with Argo CD, until a re-list; over
       * TLS, opening it takes a handshake).
       */
      streaming: () =>
        states[states.length - 1]?.state === 'ok' && streams() > streamsBefore,
      stop: async () => {
        controller.abort();
        await done;
      },
    };
  }

  const prodApp = () =>
    fleet.internals.instances[1].apps.get('payments-api-prod')!;
  const key = appKey({
    instance: 'argocd-prod',
    namespace: 'argocd',
    name: 'payments-api-prod',
  });
  const sync = () =>
    fleet.internals.instances[1].startSync(prodApp(), {
      initiatedBy: { username: 'alice' },
    });

  it('a quiet stream stays open past the call and idle timeouts until the resync (the gateway answers with the first message)', async () => {
    // Silence after the first message is a dead stream after 1 s here; before it, it is quiet.
    const r = run({ streamIdleMs: 1000 });
    await waitFor(() => r.state() === 'ok', 10_000, 'the first list');
    const streams = () =>
      fleet.control.counts().argo['argocd-prod']?.[
        'GET /api/v1/stream/applications'
      ] ?? 0;
    await waitFor(() => streams() >= 1, 10_000, 'the stream');
    const before = streams();
    const listed = r.lists();
    await new Promise(resolve => setTimeout(resolve, 2500)); // 2.5 × both timeouts
    expect(streams()).toBe(before);
    expect(r.lists()).toBe(listed);
    expect(r.states.every(s => s.state === 'ok')).toBe(true);
    await sync();
    await waitFor(
      () => r.store.get(key)?.operation?.phase === 'Running',
      10_000,
      'the change on the same stream',
    );
    expect(streams()).toBe(before);
    await r.stop();
  });

  it('a stream cut mid-message: stale, one log line, a re-list, the change arrives', async () => {
    const r = run();
    await waitFor(r.streaming, 10_000, 'the first list and the stream');
    const size = r.store.size;
    const listsBefore = r.lists();
    await fleet.control.setFault('argocd-prod', { streamCutAfterEvents: 0 });
    await sync();
    await waitFor(
      () => r.states.some(s => s.state === 'stale'),
      10_000,
      'stale',
    );
    await fleet.control.clearFaults();
    await waitFor(
      () =>
        r.store.get(key)?.operation?.phase === 'Running' && r.state() === 'ok',
      10_000,
      'the change through a re-list',
    );
    expect(r.lists()).toBeGreaterThan(listsBefore);
    expect(r.fewest()).toBe(size);
    expect(r.lines.filter(l => l.startsWith('warn'))).toHaveLength(1);
    await r.stop();
  });

  it.each<[string, Fault]>([
    ['duplicate events', { duplicateEvents: true }],
    ['out-of-order events', { outOfOrderEvents: true }],
  ])('%s change nothing the store shows', async (_name, fault) => {
    const r = run();
    await waitFor(r.streaming, 10_000, 'the first list and the stream');
    const size = r.store.size;
    await fleet.control.setFault('argocd-prod', fault);
    const phases: string[] = [];
    r.store.onChange(c => {
      if (c.key === key && c.kind === 'changed') {
        phases.push(c.after?.operation?.phase ?? '');
      }
    });
    await sync();
    await fleet.clock.advance(20_000); // the sync finishes: Succeeded, then Healthy
    await waitFor(
      () =>
        r.store.get(key)?.operation?.phase === 'Succeeded' &&
        r.store.get(key)?.health === 'Healthy',
      10_000,
      'the finished sync',
    );
    await new Promise(resolve => setTimeout(resolve, 300));
    // Never back to Running once Succeeded, whatever came again or late.
    expect(phases.lastIndexOf('Running')).toBeLessThan(
      phases.indexOf('Succeeded'),
    );
    expect(r.store.get(key)?.operation?.phase).toBe('Succeeded');
    expect(r.state()).toBe('ok');
    expect(r.fewest()).toBe(size);
    await r.stop();
  });

  it('a malformed event line: stale, logged once, re-listed; healed when the stream is sound', async () => {
    const r = run();
    await waitFor(r.streaming, 10_000, 'the first list and the stream');
    const size = r.store.size;
    await fleet.control.setFault('argocd-prod', { malformedEvents: true });
    await sync();
    await waitFor(
      () => r.states.some(s => s.state === 'stale'),
      10_000,
      'stale',
    );
    await new Promise(resolve => setTimeout(resolve, 500)); // retries meanwhile
    const warnings = r.lines.filter(l => l.startsWith('warn'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/malformed/);
    await fleet.control.clearFaults();
    await waitFor(
      () =>
        r.store.get(key)?.operation?.phase === 'Running' && r.state() === 'ok',
      10_000,
      'healed',
    );
    expect(r.fewest()).toBe(size);
    await r.stop();
  });

  it("the gateway's error chunk ends the stream: stale, re-listed", async () => {
    const r = run();
    await waitFor(r.streaming, 10_000, 'the first list and the stream');
    await fleet.control.setFault('argocd-prod', {
      streamError: { code: 14, message: 'transport is closing' },
    });
    await waitFor(
      () => r.states.some(s => s.state === 'stale'),
      10_000,
      'stale',
    );
    expect(r.lines.join('\n')).toMatch(/transport is closing/);
    await fleet.control.clearFaults();
    await waitFor(() => r.state() === 'ok', 10_000, 'healed');
    await r.stop();
  });

  it('a list that times out: error without data, then stale with it, never empty', async () => {
    await fleet.control.setFault('argocd-prod', { hang: true });
    const r = run();
    await waitFor(() => r.state() === 'error', 10_000, 'the failed first list');
    expect(r.states[r.states.length - 1]).toMatchObject({
      error: expect.stringMatching(/timed out after 1000 ms/),
    });
    expect(r.store.size).toBe(0);
    await fleet.control.clearFaults();
    await waitFor(() => r.state() === 'ok', 10_000, 'the list');
    expect(r.store.size).toBeGreaterThan(0);
    await r.stop();
  });
});
