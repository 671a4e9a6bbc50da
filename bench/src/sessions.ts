/**
 * What the side by side does with each backend once it is up: warm it, read its idle RSS,
 * run its levels. Ours also: the change-propagation samples and the list accounting.
 */
import type { Args } from './args';
import type { RunningBackend } from './lib/backends';
import type { BenchEntity } from './lib/entities';
import { totalCalls, type RunningFleet } from './lib/fleet';
import { watchArgoChanges } from './lib/argoWatch';
import type { PageModel } from './lib/load';
import { measureLevel, visitEach, warmUp, type LevelSpec } from './lib/measure';
import {
  communityPage,
  oursOverviewPage,
  oursTabPage,
  roadieOverviewOnlyPage,
  roadiePage,
} from './lib/pages';
import { measurePropagation } from './lib/propagation';
import { primeStreams, shownBy } from './lib/streamPriming';
import {
  cpuSeconds,
  rssMb,
  settledRssMb,
  sleep,
  steadyRssMb,
} from './lib/proc';
import { listAccounting, type PluginRun } from './results';
import { log, logLevel } from './log';

type Session = {
  args: Args;
  backend: RunningBackend;
  fleet: RunningFleet;
  entities: BenchEntity[];
  resyncMinutes: number;
};

/** The levels of each run; the names are what the targets read. */
export function levelsOf(
  plugin: RunningBackend['id'],
  args: Args,
  instanceNames: string[],
): LevelSpec[] {
  const durationMs = args.durationS * 1000;
  const closed = (name: string, page: PageModel, viewers: number) => ({
    name,
    page,
    mode: 'closed' as const,
    viewers,
    durationMs,
  });
  switch (plugin) {
    case 'ours':
      return [
        closed('overview-1', oursOverviewPage, 1),
        closed(`overview-${args.viewers}`, oursOverviewPage, args.viewers),
        {
          ...closed(
            `overview-${args.viewers}-revalidate`,
            oursOverviewPage,
            args.viewers,
          ),
          browserCache: true,
        },
        {
          name: `overview-open-${args.rate}`,
          page: oursOverviewPage,
          mode: 'open',
          ratePerSecond: args.rate,
          durationMs,
        },
        closed('tab-1', oursTabPage, 1),
      ];
    case 'roadie':
      return [
        closed('roadie-overview-card-1', roadieOverviewOnlyPage, 1),
        closed(
          `roadie-overview-card-${args.viewers}`,
          roadieOverviewOnlyPage,
          args.viewers,
        ),
        closed('roadie-both-cards-1', roadiePage, 1),
      ];
    case 'community':
      return [
        closed('community-tab-1', communityPage(instanceNames), 1),
        closed(
          `community-tab-${args.viewers}`,
          communityPage(instanceNames),
          args.viewers,
        ),
      ];
    default:
      return [];
  }
}

async function idleCpuPercent(pid: number, ms = 3000) {
  const a = cpuSeconds(pid);
  await sleep(ms);
  const b = cpuSeconds(pid);
  return a === undefined || b === undefined
    ? undefined
    : Math.round(((b - a) / (ms / 1000)) * 100);
}

/** Warm-up, idle RSS and CPU, then the levels; ours also propagation and list accounting. */
export async function runSession(s: Session): Promise<PluginRun> {
  const { backend, fleet, entities, args } = s;
  const run: PluginRun = {
    plugin: backend.id,
    startupMs: backend.startupMs,
    levels: [],
  };
  // Every plugin alike: each instance's stream has had a message (see streamPriming.ts).
  await primeStreams(fleet.argo, shownBy(entities));
  if (backend.id === 'ours') {
    // Every entity's tab, pass after pass until one makes no Argo CD call (at most 4): what
    // ours fetches once per application (histories, resource trees, revision metadata, cost
    // trends) is in. The second pass still asks: an application's history arriving drops the
    // resource tree its first view fetched (bench/replicas/README.md, findings).
    run.warmUp = {};
    for (let pass = 1; pass <= 4; pass++) {
      await fleet.reset();
      const visit = await visitEach({ backend, page: oursTabPage, entities });
      const calls = totalCalls((await fleet.counts()).argo);
      run.warmUp[`pass${pass}Ms`] = visit.ms;
      run.warmUp[`pass${pass}ArgoCalls`] = calls;
      log(
        `  warm-up pass ${pass}: every tab in ${visit.ms} ms, ${calls} Argo CD calls`,
      );
      if (calls === 0) break;
      await sleep(pass === 1 ? 6000 : 1000);
    }
    await warmUp({ backend, page: oursOverviewPage, entities });
  } else if (backend.id !== 'none') {
    const [spec] = levelsOf(
      backend.id,
      args,
      fleet.argo.map(a => a.name),
    );
    await warmUp({ backend, page: spec.page, entities });
  }
  await sleep(2000);
  run.idleCpuPercent = await idleCpuPercent(backend.process.pid);
  run.idleRssMb = await settledRssMb(backend.process.pid);
  run.steadyRss = await steadyRssMb(backend.process.pid, args.settleS);
  log(
    `  steady RSS ${run.steadyRss.mb} MB (every 5 s for ${
      args.settleS
    } s: ${run.steadyRss.series.join(' ')})`,
  );
  const afterGc = await backend.probe.memoryAfterGc();
  run.rssAfterGcMb = afterGc.rssMb;
  run.heapUsedAfterGcMb = afterGc.heapUsedMb;
  run.rssReducedMb = afterGc.reduced?.rssMb;
  log(
    `  idle: RSS ${run.idleRssMb} MB (after a full GC ${afterGc.rssMb} MB, heap used ${afterGc.heapUsedMb} MB), CPU ${run.idleCpuPercent} %`,
  );
  log(`  after the GC: ${JSON.stringify(afterGc)}`);

  const watch =
    backend.id === 'ours' ? watchArgoChanges(fleet.argo) : undefined;
  await watch?.start();
  try {
    for (const spec of levelsOf(
      backend.id,
      args,
      fleet.argo.map(a => a.name),
    )) {
      await sleep(1000);
      const r = await measureLevel({
        backend,
        fleet,
        entities,
        spec,
        argoChanges: watch?.events,
      });
      logLevel(r);
      run.levels.push(r);
    }
  } finally {
    await watch?.stop();
  }
  if (backend.id === 'ours') {
    // After the levels: the syncs are changes, and the tab level needs none.
    run.propagation = await measurePropagation({
      backend,
      fleet,
      entities,
      samples: args.propagationSamples,
    });
    log(
      `  upstream change → overview: p50 ${run.propagation.toOverviewMs.p50} ms, p95 ${run.propagation.toOverviewMs.p95} ms (${run.propagation.samples} samples, ${run.propagation.errors.length} errors); → open page p50 ${run.propagation.toPageMs?.p50} ms, p95 ${run.propagation.toPageMs?.p95} ms (${run.propagation.missedSignals} signals missed)`,
    );
    run.listWindows = await backend.probe!.listWindows();
    run.lists = listAccounting({
      windows: run.listWindows,
      instances: fleet.instances,
      resyncMinutes: s.resyncMinutes,
      until: Date.now(),
    });
  }
  run.rssAfterLoadMb = rssMb(backend.process.pid);
  return run;
}
