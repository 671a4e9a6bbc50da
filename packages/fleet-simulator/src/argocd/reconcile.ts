import type { SimClock } from '../clock';
import { prng } from '../util/random';
import type { SimApp } from './app';
import type { ArgoInstance, WatchEvent } from './instance';

interface Entry {
  due: number;
  app: SimApp;
}

/** Ticks are whole seconds: at most one clock task per second per instance. */
const TICK_MS = 1000;

/**
 * The application controller's periodic refresh (`timeout.reconciliation` plus up to
 * `timeout.reconciliation.jitter`): an app whose `status.reconciledAt` is older than the interval
 * is refreshed, which stamps `reconciledAt` and bumps its resourceVersion (a MODIFIED event).
 * One clock task per instance serves a min-heap of due times, so 10,000 apps cost one timer.
 */
export class Reconciler {
  private heap: Entry[] = [];
  private cancel?: () => void;
  private timerAt = Infinity;
  private readonly rand: () => number;
  private readonly onEvent = (ev: WatchEvent) => {
    if (ev.type === 'ADDED') this.scheduleAfterRefresh(ev.app);
  };

  constructor(
    private readonly instance: ArgoInstance,
    private readonly clock: SimClock,
    private readonly intervalMs: number,
    private readonly jitterMs: number,
    seed: number,
  ) {
    this.rand = prng(seed);
  }

  start() {
    if (this.intervalMs <= 0) return;
    for (const app of this.instance.apps.values())
      this.scheduleAfterRefresh(app);
    this.instance.events.on('event', this.onEvent);
  }

  stop() {
    this.cancel?.();
    this.cancel = undefined;
    this.heap = [];
    this.instance.events.off('event', this.onEvent);
  }

  /** Number of pending due times (one per app), for tests. */
  get pending() {
    return this.heap.length;
  }

  private nextDue(from: number) {
    return from + this.intervalMs + Math.floor(this.rand() * this.jitterMs);
  }

  private scheduleAfterRefresh(app: SimApp) {
    const last = Date.parse(app.obj.status?.reconciledAt ?? '');
    this.push({
      due: this.nextDue(Number.isFinite(last) ? last : this.clock.nowMs()),
      app,
    });
  }

  private push(e: Entry) {
    e.app.reconcileDue = e.due;
    const h = this.heap;
    h.push(e);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (h[p].due <= h[i].due) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
    this.arm();
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].due < h[m].due) m = l;
        if (r < h.length && h[r].due < h[m].due) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }

  /** Keeps exactly one clock task, at the tick of the earliest due time. */
  private arm() {
    if (!this.heap.length) return;
    const at = Math.ceil(this.heap[0].due / TICK_MS) * TICK_MS;
    if (at >= this.timerAt) return;
    this.cancel?.();
    this.timerAt = at;
    this.cancel = this.clock.at(at, () => this.tick());
  }

  private tick() {
    this.cancel = undefined;
    this.timerAt = Infinity;
    const now = this.clock.nowMs();
    const due: SimApp[] = [];
    while (this.heap.length && this.heap[0].due <= now) {
      const { app, due: at } = this.pop();
      // Stale entries: the app was deleted, replaced or rescheduled since.
      if (this.instance.apps.get(app.name) !== app || app.reconcileDue !== at)
        continue;
      due.push(app);
    }
    for (const app of due) {
      const last = Date.parse(app.obj.status?.reconciledAt ?? '');
      // Refreshed meanwhile (a sync, a git change): not due yet.
      if (Number.isFinite(last) && now - last < this.intervalMs) {
        this.push({ due: this.nextDue(last), app });
        continue;
      }
      this.instance.reconcile(app);
      this.push({ due: this.nextDue(now), app });
    }
    this.arm();
  }
}
