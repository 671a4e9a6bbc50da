import fs from 'node:fs/promises';
import path from 'node:path';
import { watchArgoChanges } from './lib/argoWatch';
import { startBackend } from './lib/backends';
import { benchEntities, entitiesYaml } from './lib/entities';
import { byRoute, startFleetProcess } from './lib/fleet';
import { measureLevel, visitEach, type LevelResult } from './lib/measure';
import { oursOverviewPage, oursTabPage } from './lib/pages';
import { primeStreams, shownBy } from './lib/streamPriming';
import { callsOf } from './lib/probe';
import { sleep, stopAll } from './lib/proc';
import {
  check304,
  checkListsOnlyAtStart,
  checkOneRequestPage,
  checkSteadyLevel,
} from './quickChecks';

/** The fleet of the quick bench: small, and still (no periodic reconciliation). */
const INSTANCES = 2;
const APPS = 50;
const WARM_UP_PASSES = 5;

/**
 * The small bench (under a minute): the fleet with 2 instances × 50 applications and its
 * periodic reconciliation off (nothing changes upstream unless the bench changes it), 10
 * entities, the host backend with our plugin and its defaults (resync every 10 min). After
 * warm-up visits of every entity's GitOps tab (what is fetched once per application is in), it
 * asserts counts, never timings (see quickChecks.ts):
 *
 * - the overview page is ONE request, and its answer holds the permission decisions;
 * - 0 Argo CD calls per overview view and per GitOps tab view, no catalog or permission call
 *   per view, while the bench's own watch of the streams sees no change;
 * - full lists only at start (one per instance), no list or new stream in the steady state;
 * - If-None-Match with the ETag of the overview and of the tab's views answers an empty 304.
 */
export async function runQuickBench(options: {
  workDir: string;
  ports: { control: number; ours: number };
  log?: (line: string) => void;
}): Promise<{ failures: string[]; levels: LevelResult[] }> {
  const { workDir } = options;
  const logDir = path.join(workDir, 'logs');
  const failures: string[] = [];
  const levels: LevelResult[] = [];
  try {
    const fleet = await startFleetProcess({
      dir: path.join(workDir, 'fleet'),
      instances: INSTANCES,
      appsPerInstance: APPS,
      controlPort: options.ports.control,
      logDir,
      extra: { argo: { reconcileIntervalMs: 0 } },
    });
    const entities = benchEntities({
      count: 10,
      appsPerInstance: APPS,
      instanceIndexes: [0],
    });
    const entitiesFile = path.join(workDir, 'bench-entities.yaml');
    await fs.writeFile(entitiesFile, entitiesYaml(entities));
    const backend = await startBackend({
      plugin: 'ours',
      port: options.ports.ours,
      fleet,
      entitiesFile,
      workDir,
      logDir,
      readyEntity: entities[entities.length - 1].name,
    });
    await primeStreams(fleet.argo, shownBy(entities));
    // Histories, resource trees and cost trends are asked once per application, by the first
    // views. Until a pass of every entity's tab makes no Argo CD call (at most WARM_UP_PASSES):
    // what the later passes still ask is logged, the steady state is measured after them.
    for (let pass = 1; pass <= WARM_UP_PASSES; pass++) {
      await fleet.reset();
      const warm = await visitEach({ backend, page: oursTabPage, entities });
      const calls = byRoute((await fleet.counts()).argo);
      options.log?.(
        `warm-up pass ${pass} (every entity's tab once): Argo CD ${JSON.stringify(
          calls,
        )}`,
      );
      if (warm.failed) failures.push(`warm-up: ${warm.failed} failed views`);
      if (Object.keys(calls).length === 0) break;
      await sleep(500);
    }
    failures.push(...(await checkOneRequestPage(backend, entities[0])));

    const watch = watchArgoChanges(fleet.argo);
    await watch.start();
    try {
      const specs = [
        { name: 'overview-10', page: oursOverviewPage, viewers: 10 },
        { name: 'tab-1', page: oursTabPage, viewers: 1 },
      ];
      for (const spec of specs) {
        const r = await measureLevel({
          backend,
          fleet,
          entities,
          spec: { ...spec, mode: 'closed', durationMs: 5000 },
          argoChanges: watch.events,
        });
        levels.push(r);
        const own = r.probe?.calls ?? {};
        options.log?.(
          `${spec.name}: ${r.pageViews} views, ${
            r.requestsPerView
          } requests each, Argo CD ${JSON.stringify(r.argo.byRoute)} (${
            r.argo.causedByViews
          } caused by views), upstream changes ${
            r.argoChangeEvents
          }, backend → catalog ${callsOf(
            own,
            / catalog$/,
          )}, → permission ${callsOf(own, / permission$/)}, ${
            r.errorCount
          } errors`,
        );
        failures.push(...checkSteadyLevel(r, spec.page === oursOverviewPage));
      }
    } finally {
      await watch.stop();
    }
    const revalidation = await check304(backend, entities[0]);
    failures.push(...revalidation.failures);
    const windows = await backend.probe!.listWindows();
    options.log?.(
      `full lists: ${windows
        .map(w => w.lists)
        .join(' + ')} (${INSTANCES} instances)`,
    );
    failures.push(...checkListsOnlyAtStart(windows, INSTANCES));
  } finally {
    await stopAll();
  }
  return { failures, levels };
}
