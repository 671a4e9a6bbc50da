import type { CompoundEntityRef } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { EntityEstate } from '@internal/backstage-plugin-gitops-common';
import type { GitopsApi } from '../api';

/** The window of the estate the page reads first: a month, what chargeback is about. */
export const DEFAULT_ESTATE_WINDOW = '30d';

/** What an estate card sees of its Group's or System's estate. */
export type EstateState = {
  loading: boolean;
  value?: EntityEstate;
  error?: Error;
};

type Entry = {
  state: EstateState;
  listeners: Set<() => void>;
  inFlight?: Promise<void>;
  /** A reload was asked for while one ran: its answer may predate the change, so read again. */
  owed?: boolean;
  refreshQueued?: boolean;
};

/**
 * One estate per Group or System and cost window, shared by the estate cards of the page (the
 * matrix, cost and backup cards are separate extensions with no common React parent). Loads are
 * single-flight, so the cards mounting together make one request; a signal arriving mid-read is
 * paid with one read after it, so the last change is never missed.
 */
export class EstateStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly api: GitopsApi) {}

  static key(entity: CompoundEntityRef, window: string): string {
    return `${stringifyEntityRef(entity)}|${window}`;
  }

  getState(key: string): EstateState {
    return this.entry(key).state;
  }

  subscribe(key: string, listener: () => void): () => void {
    const entry = this.entry(key);
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** Loads unless a load of the same key is under way (then joins it); keeps the last value. */
  load(key: string, entity: CompoundEntityRef, window: string): Promise<void> {
    const entry = this.entry(key);
    if (entry.inFlight) return entry.inFlight;
    this.set(entry, { ...entry.state, loading: true });
    entry.inFlight = this.api
      .getEstate(entity, { window })
      .then(
        value => this.set(entry, { loading: false, value }),
        error => this.set(entry, { ...entry.state, loading: false, error }),
      )
      .finally(() => {
        entry.inFlight = undefined;
        if (entry.owed) {
          entry.owed = false;
          this.load(key, entity, window);
        }
      });
    return entry.inFlight;
  }

  /**
   * Reads again after a signal. Every card of the page hears the same signal: their calls of one
   * render meet in one refresh. A read under way may have been answered before the change, so a
   * signal during it is owed one more read after it.
   */
  refresh(key: string, entity: CompoundEntityRef, window: string): void {
    const entry = this.entry(key);
    if (entry.refreshQueued) return;
    entry.refreshQueued = true;
    // A promise, not a timer: the cards' effects of one commit run before it, fake timers or not.
    Promise.resolve().then(() => {
      entry.refreshQueued = false;
      if (entry.inFlight) entry.owed = true;
      else this.load(key, entity, window);
    });
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { state: { loading: true }, listeners: new Set() };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private set(entry: Entry, state: EstateState) {
    entry.state = state;
    entry.listeners.forEach(listener => listener());
  }
}

const stores = new WeakMap<GitopsApi, EstateStore>();

/** The store of an API instance (a new API, e.g. in a test, gets a new store). */
export function estateStoreFor(api: GitopsApi): EstateStore {
  let store = stores.get(api);
  if (!store) {
    store = new EstateStore(api);
    stores.set(api, store);
  }
  return store;
}
