import fs from 'node:fs/promises';
import path from 'node:path';
import { startOurs } from './lib/backends';
import { benchEntities, entitiesYaml } from './lib/entities';
import { startFleetProcess } from './lib/fleet';
import { measureLevel, type LevelResult } from './lib/measure';
import { oursPage } from './lib/pages';
import { stopAll } from './lib/proc';

/**
 * The small bench (seconds, not minutes): the fleet with 2 instances × 50 applications, 10
 * entities, our real backend with a 5 s refresh interval, 1 and 10 viewers in a closed loop for
 * 6 s each. Checks our upstream-call counts only, never timings: no Argo CD call caused by a page
 * view, at most one list call per instance per refresh interval, no failed request.
 */
export async function runQuickBench(options: {
  workDir: string;
  ports: { control: number; ours: number };
  log?: (line: string) => void;
}): Promise<{ failures: string[]; levels: LevelResult[] }> {
  const { workDir } = options;
  const logDir = path.join(workDir, 'logs');
  const interval = 5;
  const failures: string[] = [];
  const levels: LevelResult[] = [];
  try {
    const fleet = await startFleetProcess({
      dir: path.join(workDir, 'fleet'),
      instances: 2,
      appsPerInstance: 50,
      controlPort: options.ports.control,
      logDir,
    });
    const entities = benchEntities({
      count: 10,
      appsPerInstance: 50,
      instanceIndexes: [0],
    });
    const entitiesFile = path.join(workDir, 'bench-entities.yaml');
    await fs.writeFile(entitiesFile, entitiesYaml(entities));
    const taskLog = path.join(workDir, 'tasks-quick.jsonl');
    const ours = await startOurs({
      port: options.ports.ours,
      fleet,
      entitiesFile,
      workDir,
      logDir,
      taskLog,
      gitops: { refreshIntervalSeconds: interval },
      readyEntity: entities[entities.length - 1].name,
    });
    for (const viewers of [1, 10]) {
      const r = await measureLevel({
        backend: ours,
        fleet,
        page: oursPage,
        entities,
        viewers,
        durationMs: 6000,
        dwellMs: 0,
        taskLog,
      });
      levels.push(r);
      options.log?.(
        `${viewers} viewer(s): ${
          r.pageViews
        } page views, Argo calls ${JSON.stringify(r.argo.byRoute)}, ${
          r.argo.refreshLists
        } by refresh runs, ${r.argo.causedByPageViews} caused by page views, ${
          r.errorCount
        } errors`,
      );
      const lists = r.argo.byRoute['GET /api/v1/applications'] ?? 0;
      const bound = (Math.floor(r.elapsedS / interval) + 1) * fleet.instances;
      if (r.pageViews === 0) failures.push(`${viewers} viewers: no page views`);
      if (r.errorCount)
        failures.push(`${viewers} viewers: errors ${JSON.stringify(r.errors)}`);
      if (r.argo.causedByPageViews !== 0)
        failures.push(
          `${viewers} viewers: ${
            r.argo.causedByPageViews
          } Argo calls caused by page views (want 0): ${JSON.stringify(
            r.argo.byRoute,
          )}`,
        );
      if (lists > bound)
        failures.push(
          `${viewers} viewers: ${lists} list calls in ${r.elapsedS} s, more than one per instance per ${interval} s refresh (${bound})`,
        );
    }
  } finally {
    await stopAll();
  }
  return { failures, levels };
}
