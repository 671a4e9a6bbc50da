/**
 * Simulated time. Everything time-dependent in the fleet (sync operations, health
 * transitions, backups, token expiry) reads `now()` and schedules work with `at()`,
 * so tests can drive it deterministically with `advance(ms)`.
 */
export type ClockMode = 'manual' | 'real';

export interface FleetClock {
  now(): Date;
  /** Moves simulated time forward, running every due task in time order. */
  advance(ms: number): Promise<void>;
}

interface Task {
  at: number;
  seq: number;
  fn: () => void | Promise<void>;
  cancelled: boolean;
}

export class SimClock implements FleetClock {
  private offset = 0;
  private manualNow: number;
  private tasks: Task[] = [];
  private seq = 0;
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(readonly mode: ClockMode, start?: Date) {
    this.manualNow = (start ?? new Date()).getTime();
    if (mode === 'real') {
      // Real mode polls due tasks; 100 ms resolution is plenty for a demo.
      this.timer = setInterval(() => void this.runDue(), 100);
      this.timer.unref();
    }
  }

  nowMs(): number {
    return this.mode === 'manual' ? this.manualNow : Date.now() + this.offset;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Schedules fn at absolute simulated time `atMs`; returns a cancel function. */
  at(atMs: number, fn: () => void | Promise<void>): () => void {
    const task: Task = { at: atMs, seq: this.seq++, fn, cancelled: false };
    this.tasks.push(task);
    return () => {
      task.cancelled = true;
    };
  }

  after(ms: number, fn: () => void | Promise<void>): () => void {
    return this.at(this.nowMs() + ms, fn);
  }

  async advance(ms: number): Promise<void> {
    const target = this.nowMs() + ms;
    for (;;) {
      const next = this.nextTask(target);
      if (!next) break;
      if (this.mode === 'manual')
        this.manualNow = Math.max(this.manualNow, next.at);
      else this.offset += Math.max(0, next.at - this.nowMs());
      await this.runTask(next);
    }
    if (this.mode === 'manual') this.manualNow = target;
    else this.offset += Math.max(0, target - this.nowMs());
  }

  /** Scheduled tasks not yet run or cancelled (tests check that timers do not pile up). */
  get pending(): number {
    return this.tasks.filter(t => !t.cancelled).length;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.tasks = [];
  }

  private nextTask(limit: number): Task | undefined {
    this.tasks = this.tasks.filter(t => !t.cancelled);
    let best: Task | undefined;
    for (const t of this.tasks) {
      if (
        t.at <= limit &&
        (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))
      ) {
        best = t;
      }
    }
    return best;
  }

  private async runTask(task: Task) {
    this.tasks = this.tasks.filter(t => t !== task);
    if (!task.cancelled) await task.fn();
  }

  private async runDue() {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const next = this.nextTask(this.nowMs());
        if (!next) break;
        await this.runTask(next);
      }
    } catch (e) {
      // A failing task must not stop the clock of a long-running demo.
      // eslint-disable-next-line no-console
      console.error('fleet-simulator: scheduled task failed', e);
    } finally {
      this.running = false;
    }
  }
}
