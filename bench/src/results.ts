/** The shapes of bench/results/*.json, and what several parts compute from them. */
import os from 'node:os';
import type { PluginId } from './lib/backends';
import type { LatencySummary } from './lib/load';
import type { LevelResult } from './lib/measure';
import type { ListWindow } from './lib/probe';
import type { PropagationResult } from './lib/propagation';
import type { SteadyRss } from './lib/proc';

/** Full lists beyond the start-up ones, against what the resync allows. */
export interface ListAccounting {
  instances: number;
  resyncMinutes: number;
  /** From the end of the start-up lists to the end of the session. */
  minutes: number;
  initialLists: number;
  laterLists: number;
  /** instances × ⌈minutes / resync⌉: one re-list per instance per resync (no faults injected). */
  allowed: number;
  perHour: number;
  boundPerHour: number;
}

export interface PluginRun {
  plugin: PluginId;
  startupMs: number;
  /** RSS after start-up and warm-up, settled (median of 5 readings over 2 s). */
  idleRssMb?: number;
  /** RSS idle once V8 has returned the start-up peak's pages by itself (steadyRssMb): judged. */
  steadyRss?: SteadyRss;
  /** RSS and V8 heap used right after a full garbage collection (the probe), idle. */
  rssAfterGcMb?: number;
  heapUsedAfterGcMb?: number;
  /** RSS right after V8's memory-reducing collection (what V8 gives back when memory is short). */
  rssReducedMb?: number;
  rssAfterLoadMb?: number;
  /** Share of its core the backend used while idle (3 s after the warm-up). */
  idleCpuPercent?: number;
  warmUp?: Record<string, number>;
  levels: LevelResult[];
  propagation?: PropagationResult;
  lists?: ListAccounting;
  listWindows?: ListWindow[];
}

export interface Machine {
  cpus: number;
  cpuModel?: string;
  memoryGb: number;
  node: string;
  platform: string;
  /** Where the backend and the rest ran (`taskset -c`), or unpinned. */
  pinning: string;
}

export interface SideBySideResult {
  kind: 'side-by-side';
  measuredAt: string;
  command: string;
  machine: Machine;
  setup: {
    instances: number;
    appsPerInstance: number;
    entities: number;
    levelDurationS: number;
    fleetOptions: Record<string, unknown>;
    oursGitops: Record<string, unknown>;
  };
  runs: PluginRun[];
}

export interface ScalePoint {
  appsPerInstance: number;
  totalApps: number;
  entities: number;
  fleetStartMs?: number;
  fleetRssMb?: number;
  startupMs?: number;
  idleRssMb?: number;
  /** Idle RSS once V8 has given back the start-up peak's pages (steadyRssMb), and above the host's. */
  steadyRss?: SteadyRss;
  aboveHostSteadyMb?: number;
  /** RSS and V8 heap used right after a full garbage collection, idle. */
  rssAfterGcMb?: number;
  heapUsedAfterGcMb?: number;
  /** RSS after a full collection above the host's (also after one). */
  aboveHostMb?: number;
  /** RSS after V8's memory-reducing collection, and above the host's after one. */
  rssReducedMb?: number;
  aboveHostReducedMb?: number;
  rssAfterLoadMb?: number;
  peakRssDuringResyncMb?: number;
  levels: LevelResult[];
  /** Levels that a re-list overlapped (their latencies include it). */
  levelsWithRelist: string[];
  resync?: {
    window: ListWindow;
    /** Overview page views started inside the window, at a light open-loop rate. */
    overviewMs: LatencySummary;
    ratePerSecond: number;
  };
  lists?: ListAccounting;
  error?: string;
}

export interface ScaleResult {
  kind: 'scale';
  measuredAt: string;
  command: string;
  machine: Machine;
  setup: {
    instances: number;
    levelDurationS: number;
    resyncMinutes: number;
    fleetOptions: Record<string, unknown>;
  };
  /** The host without an Argo CD plugin: its steady idle RSS (what the points are compared with). */
  hostSteadyRssMb?: number;
  /** The host's RSS after a full garbage collection. */
  hostRssMb?: number;
  /** The same after V8's memory-reducing collection. */
  hostRssReducedMb?: number;
  hostRssFrom: string;
  points: ScalePoint[];
  fit?: LinearFit;
}

export interface LinearFit {
  /** MB above the host per 1,000 applications (all instances). */
  slopeMbPer1000Apps: number;
  interceptMb: number;
  r2: number;
  /** Largest |measured − fitted| / fitted over the points. */
  maxRelativeResidual: number;
}

export function machine(pinning: string): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    pinning,
  };
}

/** Least squares of y over x (x in applications), with R² and the worst residual. */
export function linearFit(points: Array<{ x: number; y: number }>) {
  if (points.length < 2) return undefined;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const slope = sxx ? sxy / sxx : 0;
  const intercept = my - slope * mx;
  const ssTot = points.reduce((a, p) => a + (p.y - my) ** 2, 0);
  const ssRes = points.reduce(
    (a, p) => a + (p.y - (intercept + slope * p.x)) ** 2,
    0,
  );
  const fitted = (x: number) => intercept + slope * x;
  const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    slopeMbPer1000Apps: round(slope * 1000),
    interceptMb: round(intercept, 1),
    r2: round(ssTot ? 1 - ssRes / ssTot : 1),
    maxRelativeResidual: round(
      Math.max(
        ...points.map(
          p => Math.abs(p.y - fitted(p.x)) / Math.max(1, Math.abs(fitted(p.x))),
        ),
      ),
    ),
  } satisfies LinearFit;
}

/** Lists after the start-up ones (the probe's list windows) over the session so far. */
export function listAccounting(options: {
  windows: ListWindow[];
  instances: number;
  resyncMinutes: number;
  until: number;
}): ListAccounting | undefined {
  const [first, ...later] = options.windows;
  if (!first) return undefined;
  const minutes = Math.max(0, (options.until - first.lastBodyAt) / 60_000);
  const laterLists = later.reduce((a, w) => a + w.lists, 0);
  return {
    instances: options.instances,
    resyncMinutes: options.resyncMinutes,
    minutes: Math.round(minutes * 100) / 100,
    initialLists: first.lists,
    laterLists,
    allowed:
      options.instances *
      Math.max(1, Math.ceil(minutes / options.resyncMinutes)),
    perHour: minutes ? Math.round((laterLists / minutes) * 60) : 0,
    boundPerHour: Math.round((options.instances * 60) / options.resyncMinutes),
  };
}
