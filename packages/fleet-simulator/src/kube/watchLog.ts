import type { KubeEvent, Plural } from './velero';

/** A logged event: a snapshot of the object as it was when the event happened. */
export interface LoggedEvent {
  rv: number;
  type: KubeEvent['type'];
  plural: Plural;
  /** The event line the watch writes: `{"type":...,"object":...}`. */
  line: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
}

/**
 * The API server's watch cache for one cluster: the last `capacity` events with their
 * resourceVersions. A watch from a resourceVersion inside the window replays what came after it;
 * an older one is answered 410 Expired, like `too old resource version: X (Y)` where Y is the
 * version just before the oldest event kept.
 */
export class WatchLog {
  private events: LoggedEvent[] = [];
  private start: number;

  constructor(private readonly capacity: number, currentRv: number) {
    // Nothing before the cache was filled can be replayed.
    this.start = currentRv;
  }

  /** The oldest resourceVersion a watch can start from. */
  get windowStart(): number {
    return this.start;
  }

  record(rv: number, type: KubeEvent['type'], plural: Plural, object: any) {
    this.events.push({
      rv,
      type,
      plural,
      line: JSON.stringify({ type, object }),
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      labels: { ...(object.metadata.labels ?? {}) },
    });
    if (this.events.length > this.capacity) {
      const dropped = this.events.splice(0, this.events.length - this.capacity);
      this.start = Math.max(this.start, dropped[dropped.length - 1].rv);
    }
  }

  /** Events after `rv` in order, or undefined when `rv` is older than the window. */
  since(rv: number): LoggedEvent[] | undefined {
    if (rv < this.start) return undefined;
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }
}
