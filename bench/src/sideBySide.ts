/**
 * The side by side: one fleet (5 × 2,000 applications by default), then the host backend four
 * times, one at a time on the same core: without an Argo CD plugin (the baseline), with ours,
 * with Roadie's, with the community's; each warmed, its idle RSS read, its levels run.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Args } from './args';
import { startBackend, type PluginId } from './lib/backends';
import { benchEntities, entitiesYaml } from './lib/entities';
import { startFleetProcess } from './lib/fleet';
import { stopAll } from './lib/proc';
import { log } from './log';
import { machine, type PluginRun, type SideBySideResult } from './results';
import { runSession } from './sessions';

export const PORTS: Record<PluginId | 'control', number> = {
  ours: 7201,
  roadie: 7202,
  community: 7203,
  none: 7204,
  control: 7290,
};

/** Services of the last instances (they host dev, staging and prod: 3 applications each). */
export function entitiesFor(instances: number, apps: number, count: number) {
  const indexes = [2, 3, 4].filter(i => i < instances);
  return benchEntities({
    count,
    appsPerInstance: apps,
    instanceIndexes: indexes.length ? indexes : [instances - 1],
  });
}

export async function writeEntities(
  workDir: string,
  entities: ReturnType<typeof entitiesFor>,
) {
  const file = path.join(workDir, 'bench-entities.yaml');
  await fs.writeFile(file, entitiesYaml(entities));
  return file;
}

export const pinning = (args: Args) =>
  args.backendCpus
    ? `backend on CPU ${args.backendCpus}, fleet and load generator on CPU ${args.benchCpus}`
    : 'not pinned';

export async function sideBySide(
  args: Args,
  workDir: string,
): Promise<SideBySideResult> {
  const logDir = path.join(workDir, 'logs');
  const { instances, apps } = args;
  log(`fleet: ${instances} Argo CD instances × ${apps} applications`);
  const fleet = await startFleetProcess({
    dir: path.join(workDir, 'fleet'),
    instances,
    appsPerInstance: apps,
    controlPort: PORTS.control,
    logDir,
    extra: args.fleetOptions,
  });
  const entities = entitiesFor(instances, apps, args.entities);
  const entitiesFile = await writeEntities(workDir, entities);
  // The product's defaults (resync 10 min, cost every 60 min, ...): nothing is tuned for the bench.
  const oursGitops = {};
  const runs: PluginRun[] = [];
  try {
    for (const plugin of args.plugins) {
      log(
        `starting the host backend with ${
          plugin === 'none' ? 'no Argo CD plugin' : plugin
        }`,
      );
      const backend = await startBackend({
        plugin,
        port: PORTS[plugin],
        fleet,
        entitiesFile,
        workDir,
        logDir,
        gitops: oursGitops,
        readyEntity: entities[entities.length - 1].name,
        cpus: args.backendCpus,
      });
      log(`  ready after ${Math.round(backend.startupMs / 100) / 10} s`);
      try {
        runs.push(
          await runSession({
            args,
            backend,
            fleet,
            entities,
            resyncMinutes: 10,
          }),
        );
      } finally {
        await backend.stop();
      }
    }
  } finally {
    await stopAll();
  }
  return {
    kind: 'side-by-side',
    measuredAt: new Date().toISOString(),
    command: `bench/run.sh ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machine(pinning(args)),
    setup: {
      instances,
      appsPerInstance: apps,
      entities: entities.length,
      levelDurationS: args.durationS,
      fleetOptions: fleet.options,
      oursGitops,
    },
    runs,
  };
}
