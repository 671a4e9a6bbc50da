import { capturingLogger } from '../__testUtils__/fleetBackend';
import { runInformer } from './informer';
import { ListGate } from './listGate';

const tick = (ms = 5) => new Promise(r => setTimeout(r, ms));
const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await tick();
  expect(check()).toBe(true);
};

describe('ListGate', () => {
  it('gives one turn at a time, in order, and drops a waiter whose signal aborts', async () => {
    const gate = new ListGate();
    const order: string[] = [];
    const first = await gate.acquire();
    const gone = new AbortController();
    const b = gate.acquire().then(r => {
      order.push('b');
      return r;
    });
    const c = gate.acquire(gone.signal).catch(() => order.push('c aborted'));
    const d = gate.acquire().then(r => {
      order.push('d');
      return r;
    });
    expect(gate.queued).toBe(3);
    gone.abort();
    await c;
    await tick();
    expect(order).toEqual(['c aborted']);
    first();
    first(); // a second release changes nothing
    (await b)();
    (await d)();
    expect(order).toEqual(['c aborted', 'b', 'd']);
    expect(gate.queued).toBe(0);
  });

  it('lets the next one go when a turn is held too long, and a late release frees nobody', async () => {
    const gate = new ListGate(30);
    const slow = await gate.acquire();
    const next = await gate.acquire(); // granted after 30 ms, slow still "holding"
    let third = false;
    void gate.acquire().then(() => (third = true));
    slow(); // late: must not end `next`'s turn
    await tick(10);
    expect(third).toBe(false);
    next();
    await until(() => third);
  });
});

/** A scripted upstream whose list parses for `parseMs` once its turn has come. */
function upstream(name: string, log: string[], parseMs = 30) {
  let hang = false;
  return {
    hang: (v: boolean) => (hang = v),
    list: async (signal: AbortSignal, takeTurn: () => Promise<void>) => {
      log.push(`${name} list asked`);
      if (hang)
        await new Promise((_, reject) =>
          signal.addEventListener('abort', reject),
        );
      await takeTurn();
      log.push(`${name} parse start`);
      await tick(parseMs);
      log.push(`${name} parse end`);
      return { resourceVersion: '1' };
    },
    watch: (_rv: string | undefined, signal: AbortSignal) =>
      new Promise<void>(resolve => {
        log.push(`${name} watch`);
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => {
          log.push(`${name} watch ended`);
          resolve();
        });
      }),
  };
}

describe('informers sharing a ListGate', () => {
  const run = (
    up: ReturnType<typeof upstream>,
    gate: ListGate,
    signal: AbortSignal,
    resyncMs = 60_000,
  ) =>
    runInformer(
      {
        name: 'x',
        list: up.list,
        watch: up.watch,
        setStatus: () => {},
        resyncMs,
        logger: capturingLogger([]),
        gate,
      },
      signal,
    );

  it('parse one list at a time, and a hanging upstream holds nobody up', async () => {
    const log: string[] = [];
    const gate = new ListGate();
    const [a, b, c] = ['a', 'b', 'c'].map(n => upstream(n, log));
    c.hang(true);
    const done = new AbortController();
    const running = [a, b, c].map(u => run(u, gate, done.signal));
    await until(() => log.includes('a watch') && log.includes('b watch'));
    const parses = log.filter(l => l.includes('parse'));
    expect(parses).toEqual([
      'a parse start',
      'a parse end',
      'b parse start',
      'b parse end',
    ]);
    expect(log).not.toContain('c parse start');
    done.abort();
    await Promise.all(running);
  });

  it('keeps the stream open at the resync until its turn comes', async () => {
    const log: string[] = [];
    const gate = new ListGate();
    const a = upstream('a', log);
    const done = new AbortController();
    const running = run(a, gate, done.signal, 150);
    await until(() => log.includes('a watch'));
    const other = await gate.acquire(); // another instance is parsing its list
    await tick(400); // a's resync is due meanwhile
    expect(log.filter(l => l === 'a watch ended')).toHaveLength(0);
    const heldUntil = log.length;
    other();
    await until(() => log.filter(l => l === 'a parse start').length >= 2);
    // The stream ended only once the other list was done.
    expect(log.indexOf('a watch ended')).toBeGreaterThanOrEqual(heldUntil);
    done.abort();
    await running;
  });
});
