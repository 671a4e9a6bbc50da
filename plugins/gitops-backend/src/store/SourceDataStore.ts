import type { SourceState } from '@internal/backstage-plugin-gitops-node';

/** What the store holds for one source: its last good data and how its feed stands. */
export type SourceEntry<T> = {
  data?: T;
  /** When `data` was last set. */
  fetchedAt?: Date;
  state: SourceState['state'];
  error?: string;
};

/**
 * The last good data of sources that report whole values (a cluster's backups, a cost window's
 * totals), with their state; a failure keeps the data and says `stale`. Listeners hear the key
 * of each change.
 */
export class SourceDataStore<T> {
  private readonly entries = new Map<string, SourceEntry<T>>();
  private readonly listeners: Array<(key: string) => void> = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  onChange(listener: (key: string) => void) {
    this.listeners.push(listener);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  get(key: string): SourceEntry<T> | undefined {
    return this.entries.get(key);
  }

  /** Registers a source before it reports, so it shows as not answered yet. */
  declare(key: string) {
    if (!this.entries.has(key)) {
      this.entries.set(key, { state: 'error', error: 'not read yet' });
    }
  }

  set(key: string, data: T) {
    this.entries.set(key, { data, fetchedAt: this.now(), state: 'ok' });
    this.emit(key);
  }

  setStatus(key: string, status: SourceState) {
    const current = this.entries.get(key);
    if (status.state === 'ok' && current?.data !== undefined) {
      if (current.state === 'ok') return;
      this.entries.set(key, { ...current, state: 'ok', error: undefined });
      this.emit(key);
      return;
    }
    const state: SourceState['state'] =
      current?.data !== undefined && status.state !== 'ok'
        ? 'stale'
        : status.state;
    if (current?.state === state && current.error === status.error) return;
    this.entries.set(key, {
      ...current,
      state,
      ...(status.error ? { error: status.error } : { error: undefined }),
    });
    this.emit(key);
  }

  private emit(key: string) {
    for (const listener of this.listeners) listener(key);
  }
}
