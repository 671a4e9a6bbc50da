import { useCallback, useEffect, useSyncExternalStore } from 'react';
import type { GitopsApi } from '../api';
import { useEntitySignal } from './useEntitySignal';

/** What a card sees of a shared answer. */
export type SharedState<T> = {
  loading: boolean;
  value?: T;
  error?: Error;
};

type Entry<T> = {
  state: SharedState<T>;
  listeners: Set<() => void>;
  inFlight?: Promise<void>;
  /** A refresh was asked for while a read ran: its answer may predate the change, so read again. */
  owed?: boolean;
  refreshQueued?: boolean;
};

/**
 * Answers shared by the cards of a page, by key: the cards are separate extensions with no common
 * React parent, so they meet here. Reads are single-flight, so cards mounting together (or
 * reacting to the same signal) make one request, and the last value stays while a read runs.
 */
export class SharedQueries<T> {
  private readonly entries = new Map<string, Entry<T>>();

  getState(key: string): SharedState<T> {
    return this.entry(key).state;
  }

  subscribe(key: string, listener: () => void): () => void {
    const entry = this.entry(key);
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** Reads unless a read of the same key is under way (then joins it). */
  protected read(key: string, fetch: () => Promise<T>): Promise<void> {
    const entry = this.entry(key);
    if (entry.inFlight) return entry.inFlight;
    this.set(entry, { ...entry.state, loading: true });
    entry.inFlight = fetch()
      .then(
        value => this.set(entry, { loading: false, value }),
        error => this.set(entry, { ...entry.state, loading: false, error }),
      )
      .finally(() => {
        entry.inFlight = undefined;
        if (entry.owed) {
          entry.owed = false;
          void this.read(key, fetch);
        }
      });
    return entry.inFlight;
  }

  /**
   * Reads again after a signal. Every card of the page hears the same signal: their calls of one
   * render meet in one read. A read under way may have been answered before the change, so a
   * signal during it is owed one more read after it.
   */
  protected reread(key: string, fetch: () => Promise<T>): void {
    const entry = this.entry(key);
    if (entry.refreshQueued) return;
    entry.refreshQueued = true;
    // A promise, not a timer: the cards' effects of one commit run before it, fake timers or not.
    Promise.resolve().then(() => {
      entry.refreshQueued = false;
      if (entry.inFlight) entry.owed = true;
      else void this.read(key, fetch);
    });
  }

  private entry(key: string): Entry<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { state: { loading: true }, listeners: new Set() };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private set(entry: Entry<T>, state: SharedState<T>) {
    entry.state = state;
    entry.listeners.forEach(listener => listener());
  }
}

/** One store per API instance (a new API, e.g. in a test, gets a new store). */
export function perApi<S>(
  create: (api: GitopsApi) => S,
): (api: GitopsApi) => S {
  const stores = new WeakMap<GitopsApi, S>();
  return api => {
    let store = stores.get(api);
    if (!store) {
      store = create(api);
      stores.set(api, store);
    }
    return store;
  };
}

/**
 * A card's view of a shared answer, kept live: the store's state, a read on mount unless another
 * card of the page has the answer already (or is reading it: the read is joined), and
 * `onSignal` whenever the backend signals on the entity's channel. `load` and `onSignal` must
 * be stable for a key (useCallback).
 */
export function useSharedQuery<T>(
  store: SharedQueries<T>,
  key: string,
  load: () => Promise<void>,
  onSignal: () => void = load,
) {
  const subscribe = useCallback(
    (listener: () => void) => store.subscribe(key, listener),
    [store, key],
  );
  const state = useSyncExternalStore(subscribe, () => store.getState(key));
  useEffect(() => {
    if (!store.getState(key).value) void load();
  }, [store, key, load]);
  const signal = useEntitySignal();
  const { lastSignal } = signal;
  useEffect(() => {
    if (lastSignal) onSignal();
  }, [lastSignal, onSignal]);
  return { state, isSignalsAvailable: signal.isSignalsAvailable };
}
