/**
 * The estate of a team (issue 17: "a group of 500 services on the 5 × 10,000-app fleet answers
 * in < 100 ms p95 from the store's views"): ours alone on the fleet, the catalog's bench team
 * owning `--entities` services (500 unless given), its Group page's one request (the estate:
 * matrix, cost, backups and approvals) under 1 viewer and `--viewers` closed loop, no browser
 * cache (every view a full answer, never a 304). Writes bench/results/estate.{json,md}.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Args } from './args';
import { startBackend } from './lib/backends';
import {
  ARGO_LIST,
  ARGO_STREAM,
  byRoute,
  startFleetProcess,
  type RunningFleet,
} from './lib/fleet';
import type { PageModel } from './lib/load';
import { measureLevel, warmUp, type LevelResult } from './lib/measure';
import { sleep, stopAll } from './lib/proc';
import { log, logLevel } from './log';
import { machine, type Machine } from './results';
import { entitiesFor, pinning, PORTS, writeEntities } from './sideBySide';

/** The owner `entitiesYaml` gives every bench entity. */
const TEAM = 'bench-team';
const TARGET_P95_MS = 100;

/** Ours (plugins/gitops), a Group page: its estate cards share one request. */
export const oursEstatePage: PageModel = {
  id: 'ours-estate',
  label: 'ours (Group page: the estate)',
  requests: `\`GET /api/gitops/entities/group/default/${TEAM}/estate\` (matrix, cost, backups, approvals in one answer); no polling`,
  async load(c) {
    await c.get(
      `/api/gitops/entities/group/default/${TEAM}/estate`,
      'GET /api/gitops/entities/:kind/:namespace/:name/estate',
    );
  },
};

export interface EstateResult {
  machine: Machine;
  setup: {
    instances: number;
    appsPerInstance: number;
    services: number;
    levelDurationS: number;
  };
  /** Bytes of one estate answer (uncompressed). */
  answerBytes: number;
  levels: LevelResult[];
  target: { p95Ms: number; measuredP95Ms?: number; met: boolean };
}

/** The estate's answer once it shows every service (throws after `timeoutMs`). */
async function untilEveryService(
  baseUrl: string,
  token: string,
  services: number,
  timeoutMs = 180_000,
): Promise<string> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(
      `${baseUrl}/api/gitops/entities/group/default/${TEAM}/estate`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const answer = await res.text();
    const shown = res.ok
      ? (JSON.parse(answer) as { services: unknown[] }).services.length
      : 0;
    if (shown === services) return answer;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `the estate answered ${res.status} with ${shown} of ${services} services`,
      );
    }
    await sleep(1000);
  }
}

/**
 * Waits until the backend asks Argo CD nothing but its informers' list and stream for 3 s: the
 * histories of the applications the new views show are read once after the start (AppDetails),
 * and the levels are measured after that.
 */
async function untilQuiet(fleet: RunningFleet, timeoutMs = 180_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    await fleet.reset();
    await sleep(3000);
    const calls = byRoute((await fleet.counts()).argo);
    const other = Object.entries(calls)
      .filter(([route]) => route !== ARGO_LIST && route !== ARGO_STREAM)
      .reduce((sum, [, n]) => sum + n, 0);
    if (other === 0) return;
    log(`  waiting for the start-up reads: ${other} Argo CD calls in 3 s`);
  }
}

export async function estateBench(
  args: Args,
  workDir: string,
  appsPerInstance: number,
  services: number,
): Promise<EstateResult> {
  const logDir = path.join(workDir, 'logs', 'estate');
  const { instances } = args;
  const entities = entitiesFor(instances, appsPerInstance, services);
  log(
    `estate: fleet ${instances} × ${appsPerInstance} applications, ${entities.length} services owned by ${TEAM}`,
  );
  let fleet: RunningFleet | undefined;
  try {
    fleet = await startFleetProcess({
      dir: path.join(workDir, 'fleet-estate'),
      instances,
      appsPerInstance,
      controlPort: PORTS.control,
      logDir,
      extra: args.fleetOptions,
    });
    const backend = await startBackend({
      plugin: 'ours',
      port: PORTS.ours,
      fleet,
      entitiesFile: await writeEntities(workDir, entities),
      workDir,
      logDir,
      readyEntity: entities[entities.length - 1].name,
      readyTimeoutMs: 600_000,
      cpus: args.backendCpus,
    });
    log(`  ready after ${Math.round(backend.startupMs / 100) / 10} s`);
    // The members are the mirrored entities: the catalog may still have been ingesting them at
    // the mirror's first read (its next one is within `catalogRefreshSeconds`).
    const answer = await untilEveryService(
      backend.baseUrl,
      backend.token,
      entities.length,
    );
    await untilQuiet(fleet);
    await warmUp({ backend, page: oursEstatePage, entities });
    const levels: LevelResult[] = [];
    for (const viewers of [1, args.viewers]) {
      const level = await measureLevel({
        backend,
        fleet,
        entities,
        spec: {
          name: `estate-${viewers}`,
          page: oursEstatePage,
          mode: 'closed',
          viewers,
          durationMs: args.scaleDurationS * 1000,
        },
      });
      logLevel(level);
      levels.push(level);
    }
    const measured = levels[0].pageLatencyMs.p95;
    return {
      machine: machine(pinning(args)),
      setup: {
        instances,
        appsPerInstance,
        services: entities.length,
        levelDurationS: args.scaleDurationS,
      },
      answerBytes: Buffer.byteLength(answer),
      levels,
      target: {
        p95Ms: TARGET_P95_MS,
        measuredP95Ms: measured,
        met: measured !== undefined && measured < TARGET_P95_MS,
      },
    };
  } finally {
    await stopAll();
  }
}

/** bench/results/estate.{json,md}. */
export async function writeEstateReport(out: string, result: EstateResult) {
  await fs.mkdir(out, { recursive: true });
  await fs.writeFile(
    path.join(out, 'estate.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  const { setup, target } = result;
  const rows = result.levels.map(
    l =>
      `| ${l.name} | ${l.viewers} | ${l.pageViews} | ${l.viewsPerSecond} | ${
        l.pageLatencyMs.p50
      } | ${l.pageLatencyMs.p95} | ${l.pageLatencyMs.p99} | ${
        l.argo.causedByViews ?? l.argo.calls
      } | ${l.backendCpuPercent ?? ''} | ${l.loadAverage} |`,
  );
  const md = [
    '# The estate of a team (bench/src/estate.ts)',
    '',
    `${setup.services} services owned by one Group on ${setup.instances} Argo CD instances × ${setup.appsPerInstance} applications; the Group page's one request (\`GET …/group/default/${TEAM}/estate\`, ${result.answerBytes} bytes), closed loop, no browser cache, ${setup.levelDurationS} s per level; ${result.machine.pinning}.`,
    '',
    `Target: p95 < ${target.p95Ms} ms with 1 viewer — measured **${
      target.measuredP95Ms
    } ms: ${target.met ? 'met' : 'not met'}**.`,
    '',
    '| level | viewers | views | views/s | p50 ms | p95 ms | p99 ms | Argo CD calls caused | backend CPU % | load avg |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  await fs.writeFile(path.join(out, 'estate.md'), md);
}
