/**
 * Preloaded (`--require`) into OUR backend process by the bench only; nothing of the product
 * changes. It watches, from outside the plugin's code:
 *
 * - the event loop: `perf_hooks.monitorEventLoopDelay` (1 ms resolution), one histogram per
 *   window; the histogram records the time between two of its timer's ticks, so the
 *   resolution is subtracted: a value is how late a tick was (0 on an idle loop);
 * - every outgoing HTTP call (fetch/undici and node:http diagnostics channels), classified by
 *   path (Argo CD list / stream / application, catalog, permission, cost, Kubernetes), so the
 *   bench sees the backend's calls to its own catalog and permission backends too;
 * - full Argo CD lists: a window opens when a `GET /api/v1/applications` (no name) starts and
 *   closes 2 s after the last one's body has arrived (the store and the views are updated right
 *   after it); the window's event-loop delay is what a re-list costs the serving loop.
 *
 * - memory after a full garbage collection, when the bench asks for it (a file
 *   `<BENCH_PROBE_LOG>.gc` present at the mark): RSS and heap used of live data only, so that a
 *   reading does not depend on when V8 last collected.
 *
 * JSON lines go to BENCH_PROBE_LOG: `{type: 'list-window', ...}` by themselves, and
 * `{type: 'mark', ...}` (the window since the previous mark, then reset) on SIGUSR2. The bench
 * preloads it into every backend it measures, the host alone too, so all carry the same probe.
 */
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

const file = process.env.BENCH_PROBE_LOG;
const RESOLUTION_MS = Number(process.env.BENCH_PROBE_RESOLUTION_MS ?? 1);
const LIST_TAIL_MS = 2000;

/** What a call is, from its path: the fleet's route names, without ids. */
export function classifyCall(method: string, rawPath: string): string {
  const p = rawPath.split('?')[0];
  const of = (what: string) => `${method} ${what}`;
  if (p === '/api/v1/applications') return of('argo list');
  if (p === '/api/v1/stream/applications') return of('argo stream');
  if (p === '/api/v1/session') return of('argo session');
  if (/^\/api\/v1\/applications\/[^/]+$/.test(p)) return of('argo app');
  if (p.startsWith('/api/v1/applications/')) {
    return of(
      `argo app ${p.split('/').slice(5).join('/').replace(/\/.*/, '')}`,
    );
  }
  if (p.startsWith('/api/catalog/')) return of('catalog');
  if (p.startsWith('/api/permission/')) return of('permission');
  if (/allocation/.test(p)) return of('cost');
  if (p.startsWith('/apis/') || p.startsWith('/api/v1/'))
    return of('kubernetes');
  return of('other');
}

/** How late a tick was, in ms: the histogram's interval less the timer's own. */
const lateMs = (ns: number) =>
  Math.max(0, Math.round((ns - RESOLUTION_MS * 1e6) / 1e4) / 100);

export function summarizeHistogram(h: ELDHistogram) {
  const count = h.count;
  return {
    count,
    p50: count ? lateMs(h.percentile(50)) : 0,
    p90: count ? lateMs(h.percentile(90)) : 0,
    p99: count ? lateMs(h.percentile(99)) : 0,
    max: count ? lateMs(h.max) : 0,
    mean: count ? lateMs(h.mean) : 0,
    resolutionMs: RESOLUTION_MS,
  };
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

function start(out: string) {
  let seq = 0;
  const write = (record: object) =>
    fs.appendFileSync(
      out,
      `${JSON.stringify({ ...record, seq: ++seq, at: Date.now() })}\n`,
    );
  const newHistogram = () => {
    const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    h.enable();
    return h;
  };

  const totals: Record<string, number> = {};
  let sinceMark: Record<string, number> = {};
  const count = (what: string) => {
    totals[what] = (totals[what] ?? 0) + 1;
    sinceMark[what] = (sinceMark[what] ?? 0) + 1;
  };

  // Full lists in flight, and the window they are in.
  const lists = new Set<object>();
  let window:
    | { start: number; lists: number; h: ELDHistogram; bodyEnd?: number }
    | undefined;
  let closeTimer: NodeJS.Timeout | undefined;
  const listStarted = (request: object) => {
    lists.add(request);
    if (closeTimer) clearTimeout(closeTimer);
    closeTimer = undefined;
    window ??= { start: Date.now(), lists: 0, h: newHistogram() };
    window.lists++;
  };
  const listEnded = (request: object) => {
    if (!lists.delete(request) || lists.size > 0 || !window) return;
    window.bodyEnd = Date.now();
    closeTimer = setTimeout(() => {
      const w = window!;
      window = undefined;
      w.h.disable();
      write({
        type: 'list-window',
        start: w.start,
        lastBodyAt: w.bodyEnd,
        end: Date.now(),
        lists: w.lists,
        delayMs: summarizeHistogram(w.h),
        rssMb: Math.round(process.memoryUsage().rss / 1048576),
      });
    }, LIST_TAIL_MS);
    closeTimer.unref();
  };

  // BENCH_PROBE_TRACE=1: every call's start and the heap every 100 ms, to find what a peak of
  // memory comes with (a separate file, `<BENCH_PROBE_LOG>.trace`; off in the bench's runs).
  const trace = process.env.BENCH_PROBE_TRACE
    ? (record: object) =>
        fs.appendFileSync(
          `${out}.trace`,
          `${JSON.stringify({ t: Date.now(), ...record })}\n`,
        )
    : undefined;
  // BENCH_PROBE_ALLOC_PROFILE_MS=N: V8's sampling heap profiler over the first N ms, garbage
  // included, written to `<BENCH_PROBE_LOG>.heapprofile` (who allocates during start-up). With
  // BENCH_PROBE_ALLOC_PROFILE_KEEP=old it leaves out what died young: what is left is what filled
  // the old generation (live data, and garbage that survived scavenges), which sets the RSS;
  // with =live only what is still alive when it stops (who holds the live data).
  const profileMs = Number(process.env.BENCH_PROBE_ALLOC_PROFILE_MS ?? 0);
  const keep = process.env.BENCH_PROBE_ALLOC_PROFILE_KEEP ?? 'all';
  if (profileMs > 0 && require('node:worker_threads').isMainThread) {
    const inspector = require('node:inspector');
    const session = new inspector.Session();
    session.connect();
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 16384,
      includeObjectsCollectedByMajorGC: keep !== 'live',
      includeObjectsCollectedByMinorGC: keep === 'all',
    });
    setTimeout(() => {
      session.post('HeapProfiler.stopSampling', (error: unknown, r: any) => {
        if (!error) {
          fs.writeFileSync(`${out}.heapprofile`, JSON.stringify(r.profile));
        }
        session.disconnect();
      });
    }, profileMs).unref();
  }
  if (trace) {
    setInterval(() => {
      const m = process.memoryUsage();
      trace({
        rss: mb(m.rss),
        heapTotal: mb(m.heapTotal),
        heapUsed: mb(m.heapUsed),
      });
    }, 100).unref();
  }

  const started = (request: object, method: string, path: string) => {
    const what = classifyCall(method, path);
    trace?.({ call: what });
    count(what);
    if (what === 'GET argo list') listStarted(request);
  };
  diagnostics.subscribe('undici:request:create', (m: any) =>
    started(m.request, m.request.method, m.request.path),
  );
  diagnostics.subscribe('undici:request:trailers', (m: any) =>
    listEnded(m.request),
  );
  diagnostics.subscribe('undici:request:error', (m: any) =>
    listEnded(m.request),
  );
  diagnostics.subscribe('http.client.request.start', (m: any) =>
    started(m.request, m.request.method, m.request.path),
  );
  diagnostics.subscribe('http.client.response.finish', (m: any) =>
    listEnded(m.request),
  );

  let marks = newHistogram();
  let markedAt = Date.now();
  /** A full collection (V8's `gc()`, exposed for this only), then what is left. */
  const afterFullGc = () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as (options?: object) => void;
    gc();
    gc();
    const m = process.memoryUsage();
    // Where the RSS goes: V8's spaces (committed vs used), buffers outside the heap.
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map(s => [
        s.space_name,
        {
          committedMb: mb(s.physical_space_size),
          usedMb: mb(s.space_used_size),
        },
      ]),
    );
    const snapshotDir = process.env.BENCH_PROBE_HEAP_SNAPSHOT_DIR;
    if (snapshotDir)
      v8.writeHeapSnapshot(
        `${snapshotDir}/${process.pid}-${Date.now()}.heapsnapshot`,
      );
    // Then the collection V8 makes itself when memory is short (its memory reducer's kind:
    // several full GCs that compact and give free pages back): what is left is what the
    // process needs, not what V8 kept from the start-up's peak.
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    const reduced = process.memoryUsage();
    return {
      rssMb: mb(m.rss),
      heapUsedMb: mb(m.heapUsed),
      heapTotalMb: mb(m.heapTotal),
      externalMb: mb(m.external),
      arrayBuffersMb: mb(m.arrayBuffers),
      spaces,
      reduced: {
        rssMb: mb(reduced.rss),
        heapUsedMb: mb(reduced.heapUsed),
        heapTotalMb: mb(reduced.heapTotal),
      },
    };
  };
  process.on('SIGUSR2', () => {
    let afterGc: ReturnType<typeof afterFullGc> | undefined;
    if (fs.existsSync(`${out}.gc`)) {
      fs.rmSync(`${out}.gc`, { force: true });
      afterGc = afterFullGc();
    }
    const memory = process.memoryUsage();
    write({
      type: 'mark',
      since: markedAt,
      delayMs: summarizeHistogram(marks),
      calls: sinceMark,
      totals: { ...totals },
      memoryMb: Object.fromEntries(
        Object.entries(memory).map(([k, v]) => [k, mb(v)]),
      ),
      ...(afterGc ? { afterGc } : {}),
    });
    marks.disable();
    marks = newHistogram();
    markedAt = Date.now();
    sinceMark = {};
  });
}

if (file) start(file);
