/**
 * The scale curve: ours at 5 instances × 100 … 10,000 applications, a fresh fleet and backend
 * per point, `resyncMinutes` short so that a full re-list happens while the bench watches:
 * idle RSS above the host, overview latency and throughput, and the event-loop delay during
 * the re-list (the probe's list window) with a light open-loop load meanwhile.
 */
import path from 'node:path';
import type { Args } from './args';
import { startBackend, type RunningBackend } from './lib/backends';
import { startFleetProcess, type RunningFleet } from './lib/fleet';
import { summarize } from './lib/load';
import { measureLevel, visitEach, warmUp, type LevelSpec } from './lib/measure';
import { runOpenLoop } from './lib/openLoop';
import { oursOverviewPage } from './lib/pages';
import { primeStreams, shownBy } from './lib/streamPriming';
import { rssMb, settledRssMb, sleep, steadyRssMb, stopAll } from './lib/proc';
import { log, logLevel } from './log';
import {
  linearFit,
  listAccounting,
  machine,
  type ScalePoint,
  type ScaleResult,
} from './results';
import { entitiesFor, pinning, PORTS, writeEntities } from './sideBySide';
import type { BenchEntity } from './lib/entities';

/** The light load kept on while the re-list runs (its latencies are reported, not targeted). */
const RESYNC_RATE = 50;

async function timeResync(
  backend: RunningBackend,
  entities: BenchEntity[],
  resyncMinutes: number,
): Promise<{ resync: ScalePoint['resync']; peakRssMb?: number }> {
  const probe = backend.probe!;
  const after = Date.now();
  let done: Awaited<ReturnType<typeof probe.nextListWindow>> | undefined;
  let peak = 0;
  const watcher = (async () => {
    done = await probe.nextListWindow(after, resyncMinutes * 60_000 + 120_000);
  })();
  const rssTimer = setInterval(() => {
    peak = Math.max(peak, rssMb(backend.process.pid) ?? 0);
  }, 250);
  const load = runOpenLoop({
    baseUrl: backend.baseUrl,
    token: backend.token,
    ratePerSecond: RESYNC_RATE,
    durationMs: resyncMinutes * 60_000 + 120_000,
    until: () => done !== undefined,
    entities,
    page: oursOverviewPage,
    browsers: 10,
  });
  try {
    await watcher;
  } finally {
    await load;
    clearInterval(rssTimer);
  }
  const samples = await load;
  const w = done!;
  const inside = samples.pages.filter(p => p.at >= w.start && p.at <= w.end);
  return {
    resync: {
      window: w,
      overviewMs: summarize(inside.map(p => p.ms)),
      ratePerSecond: RESYNC_RATE,
    },
    peakRssMb: peak || undefined,
  };
}

async function scalePoint(
  args: Args,
  workDir: string,
  appsPerInstance: number,
  host: HostRss,
): Promise<ScalePoint> {
  const instances = args.instances;
  const logDir = path.join(workDir, 'logs', `scale-${appsPerInstance}`);
  const entities = entitiesFor(instances, appsPerInstance, args.entities);
  const point: ScalePoint = {
    appsPerInstance,
    totalApps: appsPerInstance * instances,
    entities: entities.length,
    levels: [],
    levelsWithRelist: [],
  };
  let fleet: RunningFleet | undefined;
  try {
    const t0 = Date.now();
    fleet = await startFleetProcess({
      dir: path.join(workDir, `fleet-${appsPerInstance}`),
      instances,
      appsPerInstance,
      controlPort: PORTS.control,
      logDir,
      extra: args.fleetOptions,
    });
    point.fleetStartMs = Date.now() - t0;
    const backend = await startBackend({
      plugin: 'ours',
      port: PORTS.ours,
      fleet,
      entitiesFile: await writeEntities(workDir, entities),
      workDir,
      logDir,
      gitops: { argocd: { resyncMinutes: args.resyncMinutes } },
      readyEntity: entities[entities.length - 1].name,
      readyTimeoutMs: 600_000,
      cpus: args.backendCpus,
    });
    point.startupMs = backend.startupMs;
    await primeStreams(fleet.argo, shownBy(entities));
    log(`  ready after ${Math.round(backend.startupMs / 100) / 10} s`);
    await visitEach({ backend, page: oursOverviewPage, entities });
    await sleep(6000); // the mirror's soon read of entities first asked for
    await warmUp({ backend, page: oursOverviewPage, entities });
    point.idleRssMb = await settledRssMb(backend.process.pid);
    // Idle after the warm-up, before the first re-list (the resync is 2 min here), as in the
    // side by side.
    point.steadyRss = await steadyRssMb(backend.process.pid, args.settleS);
    if (host.steadyMb !== undefined && point.steadyRss.mb !== undefined) {
      point.aboveHostSteadyMb = point.steadyRss.mb - host.steadyMb;
    }
    log(
      `  steady RSS ${point.steadyRss.mb} MB, ${
        point.aboveHostSteadyMb
      } MB above the host (every 5 s: ${point.steadyRss.series.join(' ')})`,
    );
    const afterGc = await backend.probe.memoryAfterGc();
    point.rssAfterGcMb = afterGc.rssMb;
    point.heapUsedAfterGcMb = afterGc.heapUsedMb;
    point.rssReducedMb = afterGc.reduced?.rssMb;
    if (host.reducedMb !== undefined && point.rssReducedMb !== undefined) {
      point.aboveHostReducedMb = point.rssReducedMb - host.reducedMb;
    }
    if (host.rssMb !== undefined) {
      point.aboveHostMb = afterGc.rssMb - host.rssMb;
    }
    log(
      `  idle: RSS ${point.idleRssMb} MB, after a full GC ${afterGc.rssMb} MB (heap used ${afterGc.heapUsedMb} MB), ${point.aboveHostMb} MB above the host`,
    );
    log(`  after the GC: ${JSON.stringify(afterGc)}`);
    const specs: LevelSpec[] = [1, args.viewers].map(viewers => ({
      name: `overview-${viewers}`,
      page: oursOverviewPage,
      mode: 'closed',
      viewers,
      durationMs: args.scaleDurationS * 1000,
    }));
    const levelsMs = specs.length * (args.scaleDurationS + 2) * 1000;
    const [initial] = await backend.probe!.listWindows();
    const nextResyncAt =
      (initial?.lastBodyAt ?? Date.now()) + args.resyncMinutes * 60_000;
    const runLevels = async () => {
      for (const spec of specs) {
        const from = Date.now();
        const r = await measureLevel({
          backend,
          fleet: fleet!,
          entities,
          spec,
        });
        logLevel(r);
        point.levels.push(r);
        const to = Date.now();
        const windows = await backend.probe!.listWindows();
        if (
          windows.some(
            w => w.seq !== initial?.seq && w.start <= to && w.end >= from,
          )
        ) {
          point.levelsWithRelist.push(spec.name);
        }
      }
    };
    // The levels go where no re-list is due; the re-list is timed on its own.
    const levelsFirst = Date.now() + levelsMs + 5000 < nextResyncAt;
    if (levelsFirst) await runLevels();
    log(`  waiting for the re-list (resync every ${args.resyncMinutes} min)`);
    const { resync, peakRssMb } = await timeResync(
      backend,
      entities,
      args.resyncMinutes,
    );
    point.resync = resync;
    point.peakRssDuringResyncMb = peakRssMb;
    if (resync) {
      log(
        `  re-list of ${resync.window.lists} instance(s): ${
          resync.window.end - resync.window.start
        } ms window, event-loop delay p99 ${
          resync.window.delayMs.p99
        } ms, max ${resync.window.delayMs.max} ms; overview p95 meanwhile ${
          resync.overviewMs.p95
        } ms`,
      );
    }
    if (!levelsFirst) await runLevels();
    point.rssAfterLoadMb = rssMb(backend.process.pid);
    point.lists = listAccounting({
      windows: await backend.probe!.listWindows(),
      instances,
      resyncMinutes: args.resyncMinutes,
      until: Date.now(),
    });
    point.fleetRssMb = rssMb(fleet.process.pid);
    await backend.stop();
  } catch (e) {
    point.error = String((e as Error).message).split('\n')[0];
    log(`  failed: ${point.error}`);
  } finally {
    await stopAll();
  }
  return point;
}

/**
 * The host without an Argo CD plugin: its steady idle RSS (what the targets compare), after a
 * full GC, and after V8's memory-reducing one.
 */
export type HostRss = { steadyMb?: number; rssMb?: number; reducedMb?: number };

async function hostRss(args: Args, workDir: string): Promise<HostRss> {
  const logDir = path.join(workDir, 'logs', 'scale-host');
  const fleet = await startFleetProcess({
    dir: path.join(workDir, 'fleet-host'),
    instances: args.instances,
    appsPerInstance: 100,
    controlPort: PORTS.control,
    logDir,
    extra: args.fleetOptions,
  });
  try {
    const entities = entitiesFor(args.instances, 100, args.entities);
    const backend = await startBackend({
      plugin: 'none',
      port: PORTS.none,
      fleet,
      entitiesFile: await writeEntities(workDir, entities),
      workDir,
      logDir,
      readyEntity: entities[entities.length - 1].name,
      cpus: args.backendCpus,
    });
    await sleep(2000);
    const steady = await steadyRssMb(backend.process.pid, args.settleS);
    const afterGc = await backend.probe.memoryAfterGc();
    await backend.stop();
    return {
      steadyMb: steady.mb,
      rssMb: afterGc.rssMb,
      reducedMb: afterGc.reduced?.rssMb,
    };
  } finally {
    await stopAll();
  }
}

export async function scaleCurve(
  args: Args,
  workDir: string,
  hostFromSideBySide?: HostRss,
): Promise<ScaleResult> {
  let host: HostRss = hostFromSideBySide ?? {};
  let hostRssFrom = 'the side by side’s run without an Argo CD plugin';
  if (host.rssMb === undefined) {
    log('scale: the host without an Argo CD plugin, for its RSS');
    host = await hostRss(args, workDir);
    hostRssFrom = 'a run of the host without an Argo CD plugin (5 × 100 fleet)';
  }
  const points: ScalePoint[] = [];
  for (const apps of args.scaleApps) {
    log(`scale: ${args.instances} instances × ${apps} applications`);
    points.push(await scalePoint(args, workDir, apps, host));
  }
  // The curve the target judges: steady idle RSS above the host's.
  const measured = points.filter(p => p.aboveHostSteadyMb !== undefined);
  return {
    kind: 'scale',
    measuredAt: new Date().toISOString(),
    command: `bench/run.sh ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machine(pinning(args)),
    setup: {
      instances: args.instances,
      levelDurationS: args.scaleDurationS,
      resyncMinutes: args.resyncMinutes,
      fleetOptions: { ...args.fleetOptions, gitPollIntervalMs: 0 },
    },
    hostSteadyRssMb: host.steadyMb,
    hostRssMb: host.rssMb,
    hostRssReducedMb: host.reducedMb,
    hostRssFrom,
    points,
    fit: linearFit(
      measured.map(p => ({ x: p.totalApps, y: p.aboveHostSteadyMb! })),
    ),
  };
}
