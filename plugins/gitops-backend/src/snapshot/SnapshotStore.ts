import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { JsonValue } from '@backstage/types';
import type { SourceKind } from '@internal/backstage-plugin-gitops-common';
import type { GitopsClock } from '../util/clock';
import { describeError } from '../util/errors';
import { yieldToEventLoop } from '../util/eventLoop';
import { Singleflight } from '../util/singleflight';

/** One upstream the snapshot keeps: an Argo CD instance, a cost engine, a Velero cluster. */
export interface SnapshotSource<T> {
  kind: SourceKind;
  name: string;
  fetch(signal?: AbortSignal): Promise<T>;
  /** Known secrets of the source, stripped from error texts. */
  secrets?: string[];
}

/** What the snapshot holds for one source. */
export type SourceEntry<T> = {
  kind: SourceKind;
  name: string;
  /** Last successful fetch. */
  fetchedAt?: string;
  data?: T;
  /** Error of the last attempt, when it failed (data may then be the previous one). */
  error?: string;
  attemptedAt?: string;
};

export type SnapshotChange<T> = {
  kind: SourceKind;
  name: string;
  previous?: SourceEntry<T>;
  next: SourceEntry<T>;
};

const CACHE_PREFIX = 'gitops:snapshot:v1';

export const sourceKey = (kind: SourceKind, name: string) => `${kind}:${name}`;

/**
 * The shared snapshot of every upstream, kept in the CacheService (memory by default, Redis in
 * production, so replicas share it). Scheduled tasks refresh it; a page view only reads it; a
 * miss fetches once, concurrent misses of the same source share the call.
 */
export class SnapshotStore {
  private readonly sources = new Map<string, SnapshotSource<unknown>>();
  private readonly flights = new Singleflight();
  private readonly listeners: Array<
    (change: SnapshotChange<unknown>) => void | Promise<void>
  > = [];
  /** Last entry seen by this replica, to detect changes. */
  private readonly last = new Map<string, SourceEntry<unknown>>();
  /** Data of each source as last read or written here, by version. */
  private readonly local = new Map<
    string,
    { version: string; data: unknown }
  >();
  private versions = 0;

  constructor(
    private readonly options: {
      cache: CacheService;
      clock: GitopsClock;
      logger: LoggerService;
      /** How long stale data is still served after failed refreshes. */
      maxStaleMs: number;
      /** Entries older than this are reported `stale`. */
      staleAfterMs: number;
    },
  ) {}

  addSource(source: SnapshotSource<unknown>) {
    const key = sourceKey(source.kind, source.name);
    if (this.sources.has(key)) {
      throw new Error(`Duplicate gitops source ${key}`);
    }
    this.sources.set(key, source);
  }

  listSources(kind?: SourceKind): SnapshotSource<unknown>[] {
    return [...this.sources.values()].filter(s => !kind || s.kind === kind);
  }

  onChange(
    listener: (change: SnapshotChange<unknown>) => void | Promise<void>,
  ) {
    this.listeners.push(listener);
  }

  private cacheKey(kind: SourceKind, name: string, part: 'meta' | 'data') {
    return `${CACHE_PREFIX}:${kind}:${name}:${part}`;
  }

  /**
   * Reads an entry: its small `meta` record (status, times, version) every time, its data only
   * when the version changed since this replica last read it. Page views then cost one small
   * cache read per source, not a transfer and parse of a whole instance's applications.
   */
  private async read<T>(
    kind: SourceKind,
    name: string,
  ): Promise<SourceEntry<T> | undefined> {
    const key = sourceKey(kind, name);
    try {
      const meta = (await this.options.cache.get(
        this.cacheKey(kind, name, 'meta'),
      )) as (Omit<SourceEntry<T>, 'data'> & { version: string }) | undefined;
      if (!meta) return undefined;
      const { version, ...rest } = meta;
      let local = this.local.get(key);
      if (local?.version !== version) {
        const stored = (await this.options.cache.get(
          this.cacheKey(kind, name, 'data'),
        )) as { version: string; data?: unknown } | undefined;
        if (!stored) return undefined;
        local = { version: stored.version, data: stored.data };
        this.local.set(key, local);
      }
      return {
        ...rest,
        ...(local.data !== undefined ? { data: local.data as T } : {}),
      };
    } catch (error) {
      this.options.logger.warn(
        `gitops snapshot cache read failed: ${describeError(error)}`,
      );
      return this.last.get(key) as SourceEntry<T> | undefined;
    }
  }

  private async write<T>(entry: SourceEntry<T>) {
    const key = sourceKey(entry.kind, entry.name);
    const previous = this.last.get(key);
    this.last.set(key, entry as SourceEntry<unknown>);
    const version = `${Date.now().toString(36)}-${(this.versions++).toString(
      36,
    )}-${Math.random().toString(36).slice(2, 8)}`;
    const { data, ...meta } = entry;
    this.local.set(key, { version, data });
    const ttl = Math.max(this.options.maxStaleMs * 2, 3_600_000);
    try {
      // Data first, then the meta that points at it.
      await this.options.cache.set(
        this.cacheKey(entry.kind, entry.name, 'data'),
        { version, ...(data !== undefined ? { data } : {}) } as JsonValue,
        { ttl },
      );
      await this.options.cache.set(
        this.cacheKey(entry.kind, entry.name, 'meta'),
        { ...meta, version } as JsonValue,
        { ttl },
      );
    } catch (error) {
      this.options.logger.warn(
        `gitops snapshot cache write failed: ${describeError(error)}`,
      );
    }
    // Writing a big source to the cache is a long synchronous step; let page views in first.
    await yieldToEventLoop();
    for (const listener of this.listeners) {
      try {
        await listener({
          kind: entry.kind,
          name: entry.name,
          previous,
          next: entry as SourceEntry<unknown>,
        });
      } catch (error) {
        this.options.logger.warn(
          `gitops snapshot listener failed: ${describeError(error)}`,
        );
      }
    }
  }

  /** The entry of a source: from the snapshot, or fetched once on a miss. */
  async get<T>(kind: SourceKind, name: string): Promise<SourceEntry<T>> {
    const cached = await this.read<T>(kind, name);
    if (cached) {
      if (!this.last.has(sourceKey(kind, name))) {
        this.last.set(sourceKey(kind, name), cached as SourceEntry<unknown>);
      }
      return cached;
    }
    return this.refresh<T>(kind, name);
  }

  /** Fetches a source now and stores the result; never throws for upstream failures. */
  refresh<T>(
    kind: SourceKind,
    name: string,
    signal?: AbortSignal,
  ): Promise<SourceEntry<T>> {
    const key = sourceKey(kind, name);
    return this.flights.do(key, async () => {
      const source = this.sources.get(key) as SnapshotSource<T> | undefined;
      if (!source) {
        return { kind, name, error: `unknown source ${key}` };
      }
      const now = this.options.clock.now();
      let entry: SourceEntry<T>;
      try {
        const data = await source.fetch(signal);
        entry = {
          kind,
          name,
          data,
          fetchedAt: now.toISOString(),
          attemptedAt: now.toISOString(),
        };
      } catch (error) {
        const message = describeError(error, source.secrets);
        this.options.logger.warn(
          `gitops: refreshing ${kind} ${name} failed: ${message}`,
        );
        const previous = await this.read<T>(kind, name);
        const keep =
          previous?.data !== undefined &&
          previous.fetchedAt &&
          now.getTime() - Date.parse(previous.fetchedAt) <=
            this.options.maxStaleMs;
        entry = {
          kind,
          name,
          ...(keep
            ? { data: previous!.data, fetchedAt: previous!.fetchedAt }
            : {}),
          error: message,
          attemptedAt: now.toISOString(),
        };
      }
      await this.write(entry);
      return entry;
    });
  }

  /** Refreshes every source (start-up, tests). */
  async refreshAll(signal?: AbortSignal) {
    await Promise.all(
      this.listSources().map(s => this.refresh(s.kind, s.name, signal)),
    );
  }

  /** Read-modify-write of a source's data (per-app updates after actions and stream events). */
  async update<T>(
    kind: SourceKind,
    name: string,
    fn: (data: T) => T,
  ): Promise<void> {
    const current = await this.read<T>(kind, name);
    if (!current?.data) return;
    await this.write<T>({ ...current, data: fn(current.data) });
  }

  /** `ok`, `stale` or `error` of an entry, for `sources[]`. */
  statusOf(entry: SourceEntry<unknown>): 'ok' | 'stale' | 'error' {
    if (entry.data === undefined) return 'error';
    if (entry.error) return 'stale';
    const age =
      this.options.clock.now().getTime() - Date.parse(entry.fetchedAt ?? '');
    return age > this.options.staleAfterMs ? 'stale' : 'ok';
  }
}
