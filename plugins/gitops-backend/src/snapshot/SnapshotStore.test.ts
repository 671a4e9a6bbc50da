import type { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { SnapshotStore } from './SnapshotStore';

/** A CacheService over one Map, as Redis would be shared by replicas; it counts reads. */
function sharedCache() {
  const map = new Map<string, unknown>();
  const reads: string[] = [];
  const cache: CacheService = {
    get: async <T>(key: string) => {
      reads.push(key);
      const v = map.get(key);
      return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as T);
    },
    set: async (key, value) => {
      map.set(key, JSON.parse(JSON.stringify(value)));
    },
    delete: async key => {
      map.delete(key);
    },
    withOptions: () => cache,
  };
  return { cache, reads };
}

describe('SnapshotStore', () => {
  let now = Date.parse('2026-11-23T10:00:00Z');
  const clock = { now: () => new Date(now) };
  const make = (cache: CacheService) =>
    new SnapshotStore({
      cache,
      clock,
      logger: mockServices.logger.mock(),
      maxStaleMs: 600_000,
      staleAfterMs: 90_000,
    });

  it('shares entries between replicas and reads data only when it changed', async () => {
    const { cache, reads } = sharedCache();
    const writer = make(cache);
    const reader = make(cache);
    const upstream = { value: 1 };
    const fetch = async () => ({ value: upstream.value });
    writer.addSource({ kind: 'cost', name: 'c1', fetch });
    reader.addSource({ kind: 'cost', name: 'c1', fetch });
    await writer.refresh('cost', 'c1');
    expect((await reader.get('cost', 'c1')).data).toEqual({ value: 1 });
    reads.length = 0;
    await reader.get('cost', 'c1');
    await reader.get('cost', 'c1');
    expect(reads.filter(k => k.endsWith(':data'))).toEqual([]);
    upstream.value = 2;
    await writer.refresh('cost', 'c1');
    expect((await reader.get('cost', 'c1')).data).toEqual({ value: 2 });
    expect(reads.filter(k => k.endsWith(':data'))).toHaveLength(1);
  });

  it('keeps the last good data for a while when a refresh fails, then drops it', async () => {
    const { cache } = sharedCache();
    const store = make(cache);
    let fail = false;
    store.addSource({
      kind: 'argocd',
      name: 'a',
      fetch: async () => {
        if (fail) throw new Error('boom password=SECRET-PASSWORD-123');
        return { applications: [] };
      },
      secrets: ['SECRET-PASSWORD-123'],
    });
    await store.refresh('argocd', 'a');
    fail = true;
    now += 60_000;
    const stale = await store.refresh('argocd', 'a');
    expect(stale.data).toEqual({ applications: [] });
    expect(stale.error).toContain('boom');
    expect(stale.error).not.toContain('SECRET-PASSWORD-123');
    expect(store.statusOf(stale)).toBe('stale');
    now += 600_000;
    const gone = await store.refresh('argocd', 'a');
    expect(gone.data).toBeUndefined();
    expect(store.statusOf(gone)).toBe('error');
  });

  it('fetches a missing source once for concurrent readers, and reports old data as stale', async () => {
    const { cache } = sharedCache();
    const store = make(cache);
    let calls = 0;
    store.addSource({
      kind: 'velero',
      name: 'v',
      fetch: async () => {
        calls++;
        await new Promise(r => setTimeout(r, 20));
        return { n: calls };
      },
    });
    const entries = await Promise.all(
      Array.from({ length: 10 }, () => store.get('velero', 'v')),
    );
    expect(calls).toBe(1);
    expect(entries.every(e => store.statusOf(e) === 'ok')).toBe(true);
    now += 100_000;
    expect(store.statusOf(await store.get('velero', 'v'))).toBe('stale');
  });

  it('tells listeners what changed', async () => {
    const { cache } = sharedCache();
    const store = make(cache);
    const changes: unknown[] = [];
    store.onChange(c => void changes.push([c.previous?.data, c.next.data]));
    let n = 0;
    store.addSource({
      kind: 'cost',
      name: 'c',
      fetch: async () => ({ n: ++n }),
    });
    await store.refresh('cost', 'c');
    await store.update<{ n: number }>('cost', 'c', d => ({ n: d.n * 10 }));
    expect(changes).toEqual([
      [undefined, { n: 1 }],
      [{ n: 1 }, { n: 10 }],
    ]);
  });
});
