import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { appKey, type AppKey } from '../store/AppStore';
import { BoundedMap } from '../util/BoundedMap';
import { Singleflight } from '../util/singleflight';

/**
 * What the tab and its dialogs ask a source for about one application (its resource tree, its
 * events): kept while the application's resourceVersion stays the one it was read at (and, with
 * `maxAgeMs`, no longer than that), the least recently used beyond `max` forgotten; concurrent
 * misses share one call. Without a version nothing says a value is current: it is kept only
 * until the owner drops it.
 */
export class PerAppCache<T> {
  private readonly values: BoundedMap<
    AppKey,
    { resourceVersion?: string; at: number; value: T }
  >;
  private readonly flights = new Singleflight();

  constructor(
    private readonly options: {
      max: number;
      maxAgeMs?: number;
      now?: () => number;
    },
  ) {
    this.values = new BoundedMap(options.max);
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  get(app: DeploymentApp, read: () => Promise<T>): Promise<T> {
    const key = appKey(app);
    const known = this.values.get(key);
    const fresh =
      known &&
      known.resourceVersion === app.resourceVersion &&
      (this.options.maxAgeMs === undefined ||
        this.now() - known.at < this.options.maxAgeMs);
    if (fresh) return Promise.resolve(known.value);
    return this.flights.do(key, async () => {
      const resourceVersion = app.resourceVersion;
      const at = this.now();
      const value = await read();
      this.values.set(key, { resourceVersion, at, value });
      return value;
    });
  }

  /** The version the kept value was read at (undefined: none kept, or read without one). */
  versionOf(key: AppKey): string | undefined {
    return this.values.get(key)?.resourceVersion;
  }

  delete(key: AppKey) {
    this.values.delete(key);
  }
}
