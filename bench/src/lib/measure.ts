import fs from 'node:fs/promises';
import os from 'node:os';
import type { RunningBackend } from './backends';
import { byRoute, totalCalls, type RunningFleet } from './fleet';
import {
  runLevel,
  summarize,
  type LatencySummary,
  type PageModel,
} from './load';
import type { BenchEntity } from './entities';
import { rssMb, sleep } from './proc';

/** A scheduled gitops refresh run's start or end, as the task timing probe recorded it. */
export interface TaskEvent {
  taskId: string;
  event?: 'start' | 'end';
  /** End events: the run's duration. */
  seconds?: number;
  result?: string;
  /** Epoch ms. */
  at: number;
}

export interface TaskRun {
  taskId: string;
  seconds: number;
  /** Completion time (epoch ms). */
  at: number;
}

export async function readTaskEvents(file?: string): Promise<TaskEvent[]> {
  if (!file) return [];
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l) as TaskEvent);
}

/** Completed runs. */
export async function readTaskRuns(file?: string): Promise<TaskRun[]> {
  return (await readTaskEvents(file))
    .filter(e => e.event !== 'start' && e.seconds !== undefined)
    .map(e => ({ taskId: e.taskId, seconds: e.seconds!, at: e.at }));
}

const isArgoTask = (taskId: string) =>
  taskId.startsWith('gitops-refresh-argocd-');

/** Argo CD refresh runs started and not yet ended. */
function argoRunsInProgress(events: TaskEvent[]): number {
  const open = new Map<string, number>();
  for (const e of events) {
    if (!isArgoTask(e.taskId)) continue;
    open.set(
      e.taskId,
      (open.get(e.taskId) ?? 0) + (e.event === 'start' ? 1 : -1),
    );
  }
  return [...open.values()].filter(n => n > 0).length;
}

/** Whether a refresh run started at or after `t` (a few ms of clock slack). */
async function startedSince(taskLog: string, t: number): Promise<boolean> {
  return (await readTaskEvents(taskLog)).some(
    e => e.event === 'start' && isArgoTask(e.taskId) && e.at >= t - 5,
  );
}

/** Waits until no Argo CD refresh run is under way (a run's list call is inside the run). */
async function waitRefreshIdle(taskLog: string) {
  const deadline = Date.now() + 120_000;
  while (argoRunsInProgress(await readTaskEvents(taskLog)) > 0) {
    if (Date.now() > deadline)
      throw new Error('a refresh run did not end in 120 s');
    await sleep(100);
  }
}

export interface LevelResult {
  backend: RunningBackend['id'];
  page: string;
  pageLabel: string;
  mode: 'viewers' | 'closed-loop';
  viewers: number;
  dwellMs: number;
  elapsedS: number;
  pageViews: number;
  failedPageViews: number;
  /** Pages still loading 30 s after the level ended: abandoned, not counted as page views. */
  unfinishedPageViews: number;
  requests: number;
  pollRequests: number;
  requestsPerView: number;
  errors: Record<string, number>;
  errorCount: number;
  pageLatencyMs: LatencySummary;
  requestLatencyMs: LatencySummary;
  routeLatencyMs: Record<string, LatencySummary>;
  requestsByRoute: Record<string, number>;
  argo: {
    calls: number;
    perView: number;
    perMinute: number;
    byRoute: Record<string, number>;
    /** Ours: `GET /api/v1/applications` calls made by scheduled refresh runs in the window. */
    refreshLists?: number;
    /** Ours: Argo calls not explained by scheduled refreshes, i.e. caused by page views. */
    causedByPageViews?: number;
  };
  /** Cost (Kubecost/OpenCost) and Kubernetes (Velero) API calls. */
  otherUpstream: { calls: number; perMinute: number };
  rssMb?: number;
  /** 1-minute load average of the machine at the end of the level (other work on it shows). */
  loadAverage: number;
  /** Ours: refresh runs (task, seconds) that started within the level. */
  refreshRuns?: Array<{ taskId: string; seconds: number }>;
}

const round = (v: number, digits = 2) =>
  Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * One load level against one backend: resets the fleet's counters, runs the viewers, reads the
 * counters and the backend's RSS. For ours, matches Argo calls against the scheduled refresh
 * runs recorded in the window, so what page views caused is known exactly.
 */
export async function measureLevel(options: {
  backend: RunningBackend;
  fleet: RunningFleet;
  page: PageModel;
  entities: BenchEntity[];
  viewers: number;
  durationMs: number;
  dwellMs: number;
  taskLog?: string;
}): Promise<LevelResult> {
  const { fleet, backend, taskLog } = options;
  // With the probe's records, the window starts and ends with no refresh run under way, so every
  // list call of a run started in the window is counted in it, and no other run's is.
  let resetAt = Date.now();
  let clean = false;
  while (!clean) {
    if (taskLog) await waitRefreshIdle(taskLog);
    const idleAt = Date.now();
    await fleet.reset();
    resetAt = Date.now();
    clean = !(taskLog && (await startedSince(taskLog, idleAt)));
  }
  const samples = await runLevel({
    baseUrl: backend.baseUrl,
    token: backend.token,
    viewers: options.viewers,
    durationMs: options.durationMs,
    dwellMs: options.dwellMs,
    entities: options.entities,
    page: options.page,
  });
  const rss = rssMb(backend.process.pid);
  let counts = await fleet.counts();
  let endAt = Date.now();
  if (taskLog) {
    let settled = false;
    while (!settled) {
      await waitRefreshIdle(taskLog);
      const idleAt = Date.now();
      counts = await fleet.counts();
      settled = !(await startedSince(taskLog, idleAt));
      endAt = idleAt;
    }
  }
  const minutes = (endAt - resetAt) / 60_000;

  const argoByRoute = byRoute(counts.argo);
  const argoCalls = totalCalls(counts.argo);
  const other = totalCalls(counts.cost) + totalCalls(counts.kube);

  let refreshRuns: LevelResult['refreshRuns'];
  let refreshLists: number | undefined;
  let causedByPageViews: number | undefined;
  if (taskLog) {
    const events = await readTaskEvents(taskLog);
    refreshLists = events.filter(
      e =>
        e.event === 'start' &&
        isArgoTask(e.taskId) &&
        e.at >= resetAt &&
        e.at <= endAt,
    ).length;
    refreshRuns = events
      .filter(e => {
        if (e.event === 'start' || e.seconds === undefined) return false;
        const startedAt = e.at - e.seconds * 1000;
        return startedAt >= resetAt - 50 && startedAt <= endAt;
      })
      .map(e => ({ taskId: e.taskId, seconds: round(e.seconds!, 3) }));
    // Every refresh run of an instance is one list call; the live streams are followed by the
    // watcher (reconnects are not page views). Anything else would have been caused by a view.
    const lists = argoByRoute['GET /api/v1/applications'] ?? 0;
    const streams = argoByRoute['GET /api/v1/stream/applications'] ?? 0;
    causedByPageViews =
      Math.max(0, lists - refreshLists) + (argoCalls - lists - streams);
  }

  const byRouteLatency: Record<string, number[]> = {};
  const requestsByRoute: Record<string, number> = {};
  for (const r of samples.requests) {
    (byRouteLatency[r.route] ??= []).push(r.ms);
    requestsByRoute[r.route] = (requestsByRoute[r.route] ?? 0) + 1;
  }
  const views = Math.max(1, samples.pageViews);
  return {
    backend: backend.id,
    page: options.page.id,
    pageLabel: options.page.label,
    mode: options.dwellMs > 0 ? 'viewers' : 'closed-loop',
    viewers: options.viewers,
    dwellMs: options.dwellMs,
    elapsedS: round(samples.elapsedMs / 1000, 1),
    pageViews: samples.pageViews,
    failedPageViews: samples.failedPageViews,
    unfinishedPageViews: samples.unfinishedPageViews,
    requests: samples.requests.length,
    pollRequests: samples.requests.filter(r => r.poll).length,
    requestsPerView: round(samples.requests.length / views),
    errors: samples.errors,
    errorCount: samples.requests.filter(r => !r.ok).length,
    pageLatencyMs: summarize(samples.pageMs),
    requestLatencyMs: summarize(samples.requests.map(r => r.ms)),
    routeLatencyMs: Object.fromEntries(
      Object.entries(byRouteLatency).map(([k, v]) => [k, summarize(v)]),
    ),
    requestsByRoute,
    argo: {
      calls: argoCalls,
      perView: round(argoCalls / views, 3),
      perMinute: round(argoCalls / minutes, 1),
      byRoute: argoByRoute,
      ...(refreshLists !== undefined ? { refreshLists } : {}),
      ...(causedByPageViews !== undefined ? { causedByPageViews } : {}),
    },
    otherUpstream: { calls: other, perMinute: round(other / minutes, 1) },
    rssMb: rss,
    loadAverage: round(os.loadavg()[0]),
    ...(refreshRuns ? { refreshRuns } : {}),
  };
}

/** A few unrecorded page views, so no backend is measured while its code is still cold. */
export async function warmUp(options: {
  backend: RunningBackend;
  page: PageModel;
  entities: BenchEntity[];
  durationMs?: number;
}) {
  await runLevel({
    baseUrl: options.backend.baseUrl,
    token: options.backend.token,
    viewers: 2,
    durationMs: options.durationMs ?? 3000,
    dwellMs: 0,
    entities: [...options.entities].reverse(),
    page: options.page,
  });
}
