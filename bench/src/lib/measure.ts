import os from 'node:os';
import type { RunningBackend } from './backends';
import type { BenchEntity } from './entities';
import {
  ARGO_LIST,
  ARGO_STREAM,
  byRoute,
  totalCalls,
  type RunningFleet,
} from './fleet';
import {
  browserContext,
  runLevel,
  summarize,
  type LatencySummary,
  type LevelSamples,
  type PageModel,
} from './load';
import { runOpenLoop } from './openLoop';
import type { MarkRecord } from './probe';
import { cpuSeconds, rssMb } from './proc';

/** One load level: a page model under a closed loop (N viewers, no think time) or an open loop. */
export interface LevelSpec {
  /** Short name the targets refer to, e.g. `overview-50`. */
  name: string;
  page: PageModel;
  mode: 'closed' | 'open';
  /** Closed loop: viewers, each its own browser. */
  viewers?: number;
  /** Open loop: page views started per second. */
  ratePerSecond?: number;
  durationMs: number;
  /** Browsers keep an HTTP cache (ETag / If-None-Match). */
  browserCache?: boolean;
}

export interface LevelResult {
  name: string;
  backend: RunningBackend['id'];
  page: string;
  pageLabel: string;
  mode: LevelSpec['mode'];
  viewers?: number;
  ratePerSecond?: number;
  browserCache: boolean;
  elapsedS: number;
  pageViews: number;
  viewsPerSecond: number;
  failedPageViews: number;
  /** Pages still loading 30 s after the level ended: abandoned, not counted as page views. */
  unfinishedPageViews: number;
  requests: number;
  requestsPerView: number;
  /** Answers `304 Not Modified` (the browser cache revalidated). */
  notModified: number;
  errors: Record<string, number>;
  errorCount: number;
  pageLatencyMs: LatencySummary;
  routeLatencyMs: Record<string, LatencySummary>;
  argo: {
    calls: number;
    perView: number;
    byRoute: Record<string, number>;
    /** Ours: calls not made by its informers (list, stream), i.e. caused by page views. */
    causedByViews?: number;
    causedPerView?: number;
  };
  /** Cost (Kubecost/OpenCost) and Kubernetes (Velero) API calls. */
  otherUpstream: { calls: number };
  /** Share of one core the backend used (it is pinned to one). */
  backendCpuPercent?: number;
  /** Share of one core this process (the load generator) used. */
  loadGeneratorCpuPercent: number;
  rssMb?: number;
  /** 1-minute load average of the machine at the end of the level (other work on it shows). */
  loadAverage: number;
  /** Ours: the probe's window (event-loop delay, the backend's own outgoing calls). */
  probe?: Pick<MarkRecord, 'delayMs' | 'calls' | 'memoryMb'>;
  /** Application change events Argo CD streamed during the level (the bench's own watch). */
  argoChangeEvents?: number;
}

const round = (v: number, digits = 2) =>
  Math.round(v * 10 ** digits) / 10 ** digits;

/** Runs a level's load and nothing else. */
export function runSpec(
  backend: RunningBackend,
  entities: BenchEntity[],
  spec: LevelSpec,
): Promise<LevelSamples> {
  const common = {
    baseUrl: backend.baseUrl,
    token: backend.token,
    durationMs: spec.durationMs,
    entities,
    page: spec.page,
    browserCache: spec.browserCache,
  };
  return spec.mode === 'open'
    ? runOpenLoop({ ...common, ratePerSecond: spec.ratePerSecond! })
    : runLevel({ ...common, viewers: spec.viewers ?? 1, dwellMs: 0 });
}

/**
 * One load level against one backend: resets the fleet's counters, runs the load, reads the
 * counters, the backend's CPU time and RSS, and for ours the probe's window.
 */
export async function measureLevel(options: {
  backend: RunningBackend;
  fleet: RunningFleet;
  entities: BenchEntity[];
  spec: LevelSpec;
  /** Change events seen so far by the bench's Argo CD watch. */
  argoChanges?: () => number;
}): Promise<LevelResult> {
  const { fleet, backend, spec } = options;
  await fleet.reset();
  await backend.probe?.mark();
  const changes0 = options.argoChanges?.();
  const cpu0 = cpuSeconds(backend.process.pid);
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const samples = await runSpec(backend, options.entities, spec);
  const wallS = (performance.now() - t0) / 1000;
  const cpu1 = cpuSeconds(backend.process.pid);
  const self = process.cpuUsage(self0);
  const counts = await fleet.counts();
  const mark = await backend.probe?.mark();
  const rss = rssMb(backend.process.pid);

  const argoByRoute = byRoute(counts.argo);
  const argoCalls = totalCalls(counts.argo);
  const views = Math.max(1, samples.pageViews);
  const informer =
    (argoByRoute[ARGO_LIST] ?? 0) + (argoByRoute[ARGO_STREAM] ?? 0);
  const caused = backend.id === 'ours' ? argoCalls - informer : undefined;

  const byRouteLatency: Record<string, number[]> = {};
  for (const r of samples.requests) (byRouteLatency[r.route] ??= []).push(r.ms);
  return {
    name: spec.name,
    backend: backend.id,
    page: spec.page.id,
    pageLabel: spec.page.label,
    mode: spec.mode,
    ...(spec.mode === 'open'
      ? { ratePerSecond: spec.ratePerSecond }
      : { viewers: spec.viewers ?? 1 }),
    browserCache: Boolean(spec.browserCache),
    elapsedS: round(samples.elapsedMs / 1000, 1),
    pageViews: samples.pageViews,
    viewsPerSecond: round(samples.pageViews / (samples.elapsedMs / 1000), 1),
    failedPageViews: samples.pages.filter(p => p.failed).length,
    unfinishedPageViews: samples.unfinishedPageViews,
    requests: samples.requests.length,
    requestsPerView: round(samples.requests.length / views),
    notModified: samples.requests.filter(r => r.status === 304).length,
    errors: samples.errors,
    errorCount: samples.requests.filter(r => !r.ok).length,
    pageLatencyMs: summarize(samples.pages.map(p => p.ms)),
    routeLatencyMs: Object.fromEntries(
      Object.entries(byRouteLatency).map(([k, v]) => [k, summarize(v)]),
    ),
    argo: {
      calls: argoCalls,
      perView: round(argoCalls / views, 3),
      byRoute: argoByRoute,
      ...(caused !== undefined
        ? { causedByViews: caused, causedPerView: round(caused / views, 3) }
        : {}),
    },
    otherUpstream: { calls: totalCalls(counts.cost) + totalCalls(counts.kube) },
    ...(cpu0 !== undefined && cpu1 !== undefined
      ? { backendCpuPercent: round(((cpu1 - cpu0) / wallS) * 100, 0) }
      : {}),
    loadGeneratorCpuPercent: round(
      ((self.user + self.system) / 1e6 / wallS) * 100,
      0,
    ),
    rssMb: rss,
    loadAverage: round(os.loadavg()[0]),
    ...(mark
      ? {
          probe: {
            delayMs: mark.delayMs,
            calls: mark.calls,
            memoryMb: mark.memoryMb,
          },
        }
      : {}),
    ...(changes0 !== undefined
      ? { argoChangeEvents: options.argoChanges!() - changes0 }
      : {}),
  };
}

/** Unrecorded page views, so no backend is measured while its code is still cold. */
export async function warmUp(options: {
  backend: RunningBackend;
  page: PageModel;
  entities: BenchEntity[];
  durationMs?: number;
  viewers?: number;
}) {
  await runLevel({
    baseUrl: options.backend.baseUrl,
    token: options.backend.token,
    viewers: options.viewers ?? 2,
    durationMs: options.durationMs ?? 3000,
    dwellMs: 0,
    entities: [...options.entities].reverse(),
    page: options.page,
  });
}

/** Every entity's page once (a few at a time): what ours fetches once per application is in. */
export async function visitEach(options: {
  backend: RunningBackend;
  page: PageModel;
  entities: BenchEntity[];
  concurrency?: number;
}): Promise<{ ms: number; failed: number }> {
  const { backend, page, entities } = options;
  const started = performance.now();
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    const browser = browserContext({
      baseUrl: backend.baseUrl,
      token: backend.token,
    });
    while (next < entities.length) {
      const e = entities[next++];
      await page.load(browser.context(false), e).catch(x => failures.push(x));
    }
    browser.agent.destroy();
  };
  await Promise.all(
    Array.from({ length: options.concurrency ?? 4 }, () => worker()),
  );
  return {
    ms: Math.round(performance.now() - started),
    failed: failures.length,
  };
}
