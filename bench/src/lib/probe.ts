import fs from 'node:fs/promises';
import path from 'node:path';
import { ROOT, sleep } from './proc';

/** The probe preloaded into our backend only (see backendProbe.ts). */
export const PROBE_MODULE = path.join(ROOT, 'bench/src/lib/backendProbe.ts');

export interface DelaySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** The monitor's resolution, already subtracted from every value. */
  resolutionMs?: number;
}

/** A full Argo CD list (or several at once) and the event-loop delay while it ran. */
export interface ListWindow {
  type: 'list-window';
  seq: number;
  start: number;
  lastBodyAt: number;
  end: number;
  lists: number;
  delayMs: DelaySummary;
  rssMb: number;
}

/** RSS and V8's heap right after a full garbage collection, with where the rest of the RSS is. */
export interface MemoryAfterGc {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb?: number;
  externalMb?: number;
  arrayBuffersMb?: number;
  /** Per V8 space (old, new, code, large objects …): committed and used. */
  spaces?: Record<string, { committedMb: number; usedMb: number }>;
  /** Right after V8's memory-reducing collection (`flavor: 'last-resort'`), which follows. */
  reduced?: { rssMb: number; heapUsedMb: number; heapTotalMb: number };
}

/** The window between two marks: event-loop delay and outgoing calls by kind. */
export interface MarkRecord {
  type: 'mark';
  seq: number;
  since: number;
  at: number;
  delayMs: DelaySummary;
  calls: Record<string, number>;
  totals: Record<string, number>;
  memoryMb: Record<string, number>;
  /** When the bench asked: RSS and heap used right after a full garbage collection. */
  afterGc?: MemoryAfterGc;
}

type ProbeRecord = ListWindow | MarkRecord;

export class ProbeReader {
  constructor(readonly file: string, private readonly pid: number) {}

  async records(): Promise<ProbeRecord[]> {
    const text = await fs.readFile(this.file, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map(l => JSON.parse(l) as ProbeRecord);
  }

  async listWindows(): Promise<ListWindow[]> {
    return (await this.records()).filter(
      (r): r is ListWindow => r.type === 'list-window',
    );
  }

  /** Memory after a full garbage collection (also closes the probe's current window). */
  async memoryAfterGc(): Promise<MemoryAfterGc> {
    await fs.writeFile(`${this.file}.gc`, '');
    const mark = await this.mark();
    if (!mark.afterGc) throw new Error('the probe did not collect');
    return mark.afterGc;
  }

  /** Closes the probe's current window (SIGUSR2) and answers it. */
  async mark(timeoutMs = 30_000): Promise<MarkRecord> {
    const before = (await this.records()).length;
    process.kill(this.pid, 'SIGUSR2');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = (await this.records())
        .slice(before)
        .find((r): r is MarkRecord => r.type === 'mark');
      if (fresh) return fresh;
      if (Date.now() > deadline) {
        throw new Error(`the probe did not answer a mark in ${timeoutMs} ms`);
      }
      await sleep(20);
    }
  }

  /** Waits for a list window that started after `after` (epoch ms) and has closed. */
  async nextListWindow(after: number, timeoutMs: number): Promise<ListWindow> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const w = (await this.listWindows()).find(x => x.start > after);
      if (w) return w;
      if (Date.now() > deadline) {
        throw new Error(
          `no Argo CD re-list within ${Math.round(timeoutMs / 1000)} s`,
        );
      }
      await sleep(250);
    }
  }
}

/** Calls of a mark that match a kind, e.g. `argo list`, summed over methods. */
export const callsOf = (calls: Record<string, number>, kind: RegExp) =>
  Object.entries(calls)
    .filter(([k]) => kind.test(k))
    .reduce((a, [, n]) => a + n, 0);
