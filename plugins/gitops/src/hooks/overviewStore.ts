import type { CompoundEntityRef } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { EntityOverview } from '@internal/backstage-plugin-gitops-common';
import type { GitopsApi } from '../api';

/** What a card sees of an entity's overview. */
export type OverviewState = {
  loading: boolean;
  value?: EntityOverview;
  error?: Error;
};

type Entry = {
  state: OverviewState;
  listeners: Set<() => void>;
  inFlight?: Promise<void>;
};

/**
 * One overview per entity and cost window, shared by every card of the page: the cards are
 * separate extensions with no common React parent, so they meet here. Loads are single-flight, so
 * four cards mounting (or reacting to the same signal) make one request.
 */
export class OverviewStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly api: GitopsApi) {}

  static key(entity: CompoundEntityRef, costWindow?: string): string {
    return `${stringifyEntityRef(entity)}|${costWindow ?? ''}`;
  }

  getState(key: string): OverviewState {
    return this.entry(key).state;
  }

  subscribe(key: string, listener: () => void): () => void {
    const entry = this.entry(key);
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** Loads unless a load of the same key is already under way; keeps the last value meanwhile. */
  load(
    key: string,
    entity: CompoundEntityRef,
    costWindow?: string,
  ): Promise<void> {
    const entry = this.entry(key);
    if (entry.inFlight) return entry.inFlight;
    this.set(entry, { ...entry.state, loading: true });
    entry.inFlight = this.api
      .getOverview(entity, costWindow ? { costWindow } : undefined)
      .then(
        value => this.set(entry, { loading: false, value }),
        error => this.set(entry, { ...entry.state, loading: false, error }),
      )
      .finally(() => {
        entry.inFlight = undefined;
      });
    return entry.inFlight;
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { state: { loading: true }, listeners: new Set() };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private set(entry: Entry, state: OverviewState) {
    entry.state = state;
    entry.listeners.forEach(listener => listener());
  }
}

const stores = new WeakMap<GitopsApi, OverviewStore>();

/** The store of an API instance (a new API, e.g. in a test, gets a new store). */
export function overviewStoreFor(api: GitopsApi): OverviewStore {
  let store = stores.get(api);
  if (!store) {
    store = new OverviewStore(api);
    stores.set(api, store);
  }
  return store;
}
