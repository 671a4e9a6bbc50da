import type { SourceState } from '@internal/backstage-plugin-gitops-node';
import { capturingLogger } from '../__testUtils__/fleetBackend';
import { runInformer } from './informer';

const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) {
    await new Promise(r => setTimeout(r, 5));
  }
  expect(check()).toBe(true);
};

/** An upstream whose list and watch the test scripts. */
function upstream() {
  const calls: string[] = [];
  let failList: Error | undefined;
  let breakWatch: ((error: Error) => void) | undefined;
  return {
    calls,
    failLists: (error?: Error) => {
      failList = error;
    },
    breakWatch: (error: Error) => breakWatch?.(error),
    list: async () => {
      calls.push('list');
      if (failList) throw failList;
      return { resourceVersion: String(calls.length) };
    },
    watch: (rv: string | undefined, signal: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        calls.push(`watch ${rv}`);
        breakWatch = reject;
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
  };
}

describe('runInformer', () => {
  it('lists, watches from the list, and re-lists on the slow resync only', async () => {
    const up = upstream();
    const states: SourceState[] = [];
    const done = new AbortController();
    const running = runInformer(
      {
        name: 'test',
        list: up.list,
        watch: up.watch,
        setStatus: s => states.push(s),
        resyncMs: 60,
        logger: capturingLogger([]),
      },
      done.signal,
    );
    await until(() => up.calls.length >= 4);
    done.abort();
    await running;
    expect(up.calls.slice(0, 4)).toEqual([
      'list',
      'watch 1',
      'list',
      'watch 3',
    ]);
    expect(states.every(s => s.state === 'ok')).toBe(true);
  });

  it('keeps the data stale on a broken stream, retries with backoff, logs once, and recovers', async () => {
    const up = upstream();
    const states: SourceState[] = [];
    const lines: string[] = [];
    const done = new AbortController();
    const running = runInformer(
      {
        name: 'argocd test',
        list: up.list,
        watch: up.watch,
        setStatus: s => states.push(s),
        resyncMs: 60_000,
        retryMs: { min: 10, max: 40 },
        logger: capturingLogger(lines),
        secrets: ['s3cr3t-token'],
      },
      done.signal,
    );
    await until(() => up.calls.includes('watch 1'));
    up.failLists(new Error('HTTP 500 with s3cr3t-token'));
    up.breakWatch(new Error('stream cut'));
    await until(() => up.calls.filter(c => c === 'list').length >= 5);
    expect(states).toContainEqual({
      state: 'stale',
      error: expect.stringContaining('HTTP 500'),
    });
    const warnings = lines.filter(l => l.startsWith('warn'));
    // The stream cut, then the failing list: each said once, however many retries.
    expect(warnings).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('s3cr3t-token');
    up.failLists(undefined);
    await until(() => states[states.length - 1]?.state === 'ok');
    expect(lines.some(l => l.includes('argocd test recovered'))).toBe(true);
    done.abort();
    await running;
  });

  it('reports error (no data) when the first list fails', async () => {
    const up = upstream();
    up.failLists(new Error('connection refused'));
    const states: SourceState[] = [];
    const done = new AbortController();
    const running = runInformer(
      {
        name: 'x',
        list: up.list,
        watch: up.watch,
        setStatus: s => states.push(s),
        resyncMs: 60_000,
        retryMs: { min: 10, max: 10 },
        logger: capturingLogger([]),
      },
      done.signal,
    );
    await until(() => states.length > 0);
    expect(states[0]).toEqual({
      state: 'error',
      error: expect.stringContaining('connection refused'),
    });
    done.abort();
    await running;
  });
});
