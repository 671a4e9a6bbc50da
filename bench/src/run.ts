/* eslint-disable no-console */
/**
 * The side-by-side benchmark and the scale curve (bench/README.md). Run through bench/run.sh:
 *
 *   bench/run.sh                    # side-by-side, then the scale curve; writes bench/results/
 *   bench/run.sh --only side-by-side | --only scale
 *   bench/run.sh --quick            # seconds: fleet 2×50, 10 entities, ours only; asserts counts
 *
 * Every process it starts (the fleet, each backend) is stopped before it exits.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { startOurs, startTheirs, type RunningBackend } from './lib/backends';
import { benchEntities, entitiesYaml, type BenchEntity } from './lib/entities';
import { startFleetProcess, type RunningFleet } from './lib/fleet';
import type { PageModel } from './lib/load';
import {
  measureLevel,
  readTaskRuns,
  warmUp,
  type LevelResult,
} from './lib/measure';
import {
  communityPage,
  oursPage,
  roadieOverviewOnlyPage,
  roadiePage,
} from './lib/pages';
import {
  fmt,
  lat,
  levelTable,
  overviewLatency,
  overviewTable,
  routesTable,
} from './lib/report';
import { ROOT, rssMb, sleep, stopAll, waitFor } from './lib/proc';
import { runQuickBench } from './quick';

interface Args {
  quick: boolean;
  only?: 'side-by-side' | 'scale';
  levels: number[];
  durationS: number;
  dwellS: number;
  stressDurationS: number;
  scaleApps: number[];
  scaleDurationS: number;
  out: string;
  keep: boolean;
  theirAuth: 'token' | 'password';
  /** Rewrite the markdown of bench/results from its JSON (after a change to the report). */
  reportOnly: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (v: string | undefined, d: number[]) =>
    v ? v.split(',').map(Number) : d;
  return {
    quick: argv.includes('--quick'),
    only: get('only') as Args['only'],
    levels: list(get('levels'), [1, 10, 100]),
    durationS: Number(get('duration') ?? 30),
    dwellS: Number(get('dwell') ?? 12),
    stressDurationS: Number(get('stress-duration') ?? 15),
    scaleApps: list(get('scale-apps'), [100, 1000, 5000, 10000]),
    scaleDurationS: Number(get('scale-duration') ?? 15),
    out: path.resolve(get('out') ?? path.join(ROOT, 'bench/results')),
    keep: argv.includes('--keep'),
    theirAuth: (get('their-auth') as Args['theirAuth']) ?? 'token',
    reportOnly: argv.includes('--report-only'),
  };
}

const PORTS = { control: 7290, ours: 7201, roadie: 7202, community: 7203 };

/**
 * Ours reads Argo CD and Velero, not cost: at 5 × 2,000 applications the simulated Kubecost /
 * OpenCost allocation answers are tens to hundreds of MB (see `costAnswers` in the results), and
 * refreshing them every 30 s keeps the fleet busy enough that every refresh times out. The two
 * other plugins show Argo CD only; so does ours here.
 */
const OURS_GITOPS = { cost: { clusters: [] } };
const QUICK_PORTS = { control: 7291, ours: 7211 };

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

async function writeEntities(workDir: string, entities: BenchEntity[]) {
  const file = path.join(workDir, 'bench-entities.yaml');
  await fs.writeFile(file, entitiesYaml(entities));
  return file;
}

const log = (...a: unknown[]) =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

function logLevel(r: LevelResult) {
  log(
    `  ${r.pageLabel} ×${r.viewers} (${r.mode}): ${r.pageViews} views, ${
      r.requestsPerView
    } req/view, Argo ${r.argo.calls} calls (${r.argo.perView}/view, ${
      r.argo.perMinute
    }/min${
      r.argo.causedByPageViews !== undefined
        ? `, caused by views ${r.argo.causedByPageViews}`
        : ''
    }), page ${lat(r.pageLatencyMs)} ms, errors ${r.errorCount}, RSS ${
      r.rssMb
    } MB`,
  );
  if (r.errorCount) log('    errors:', JSON.stringify(r.errors));
}

// ---------------------------------------------------------------------------------------------
// Side by side

async function sideBySide(args: Args, workDir: string) {
  const logDir = path.join(workDir, 'logs');
  const appsPerInstance = 2000;
  const instances = 5;
  log(`fleet: ${instances} Argo instances × ${appsPerInstance} applications`);
  const fleet = await startFleetProcess({
    dir: path.join(workDir, 'fleet'),
    instances,
    appsPerInstance,
    controlPort: PORTS.control,
    logDir,
  });
  const entities = benchEntities({
    count: 200,
    appsPerInstance,
    instanceIndexes: [2, 3, 4],
  });
  const entitiesFile = await writeEntities(workDir, entities);
  log(
    "measuring the fleet's cost allocation answers (what ours would refresh every 30 s)",
  );
  const costAnswers = await measureCostAnswers(fleet);
  const levels: LevelResult[] = [];
  const stress: LevelResult[] = [];
  const taskLog = path.join(workDir, 'tasks-side-by-side.jsonl');
  const startup: Record<string, number> = {};
  const idleRss: Record<string, number | undefined> = {};

  const run = async (
    backend: RunningBackend,
    pages: PageModel[],
    options: { taskLog?: string } = {},
  ) => {
    idleRss[backend.id] = rssMb(backend.process.pid);
    for (const page of pages) {
      await warmUp({ backend, page, entities });
      for (const viewers of args.levels) {
        await sleep(2000);
        const r = await measureLevel({
          backend,
          fleet,
          page,
          entities,
          viewers,
          durationMs: args.durationS * 1000,
          dwellMs: args.dwellS * 1000,
          taskLog: options.taskLog,
        });
        logLevel(r);
        levels.push(r);
      }
      // One viewer with no think time: the page's own latency, with many samples.
      if (backend.id !== 'ours') {
        await sleep(2000);
        const r = await measureLevel({
          backend,
          fleet,
          page,
          entities,
          viewers: 1,
          durationMs: args.stressDurationS * 1000,
          dwellMs: 0,
        });
        logLevel(r);
        stress.push(r);
      }
    }
  };

  try {
    let t = Date.now();
    log('starting our backend (packages/backend)');
    const ours = await startOurs({
      port: PORTS.ours,
      fleet,
      entitiesFile,
      workDir,
      logDir,
      taskLog,
      gitops: OURS_GITOPS,
      readyEntity: entities[entities.length - 1].name,
    });
    startup.ours = Date.now() - t;
    await run(ours, [oursPage], { taskLog });
    log('ours, closed loop (no think time)');
    for (const viewers of args.levels) {
      await sleep(2000);
      const r = await measureLevel({
        backend: ours,
        fleet,
        page: oursPage,
        entities,
        viewers,
        durationMs: args.stressDurationS * 1000,
        dwellMs: 0,
        taskLog,
      });
      logLevel(r);
      stress.push(r);
    }
    await ours.stop();

    for (const id of ['roadie', 'community'] as const) {
      t = Date.now();
      log(`starting the ${id} backend`);
      const backend = await startTheirs({
        id,
        port: PORTS[id],
        fleet,
        workDir,
        logDir,
        argoAuth: args.theirAuth,
      });
      startup[id] = Date.now() - t;
      await run(
        backend,
        id === 'roadie'
          ? [roadiePage, roadieOverviewOnlyPage]
          : [communityPage(fleet.argo.map(a => a.name))],
      );
      await backend.stop();
    }
  } finally {
    await stopAll();
  }

  const targets = evaluateTargets(levels, stress, fleet.instances, 30);
  const result = {
    kind: 'side-by-side',
    measuredAt: new Date().toISOString(),
    machine: machine(),
    command: 'bench/run.sh',
    setup: {
      fleet: { instances, appsPerInstance, apps: instances * appsPerInstance },
      entities: entities.length,
      environmentsPerEntity: 3,
      levels: args.levels,
      levelDurationS: args.durationS,
      pageOpenS: args.dwellS,
      closedLoopDurationS: args.stressDurationS,
      theirArgoAuth: args.theirAuth,
      oursRefreshIntervalS: 30,
    },
    startupMs: startup,
    idleRssMb: idleRss,
    costAnswers,
    pages: [
      oursPage,
      roadiePage,
      roadieOverviewOnlyPage,
      communityPage(fleet.argo.map(a => a.name)),
    ].map(p => ({ id: p.id, label: p.label, requests: p.requests })),
    levels,
    closedLoop: stress,
    targets,
  };
  await fs.mkdir(args.out, { recursive: true });
  await fs.writeFile(
    path.join(args.out, 'side-by-side.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  await fs.writeFile(
    path.join(args.out, 'side-by-side.md'),
    sideBySideMarkdown(result),
  );
  log(`wrote ${path.join(args.out, 'side-by-side.{md,json}')}`);
}

/** One allocation query per cluster and window, as ours makes it (sequentially, fleet idle). */
async function measureCostAnswers(fleet: RunningFleet) {
  const config = parse(await fs.readFile(fleet.configPath, 'utf8')) as {
    gitops: {
      cost: { clusters: Array<{ name: string; type: string; url: string }> };
    };
  };
  const out: Array<{
    cluster: string;
    window: string;
    mb: number;
    seconds: number;
  }> = [];
  for (const c of config.gitops.cost.clusters) {
    for (const window of ['7d', '30d']) {
      const query = new URLSearchParams({
        window,
        aggregate: 'namespace,label:app',
        accumulate: 'false',
        step: '1d',
      });
      const started = performance.now();
      const res = await fetch(
        `${c.url}${
          c.type === 'kubecost' ? '/model/allocation' : '/allocation'
        }?${query}`,
      );
      const bytes = (await res.arrayBuffer()).byteLength;
      out.push({
        cluster: c.name,
        window,
        mb: Math.round(bytes / 1024 / 102.4) / 10,
        seconds: Math.round((performance.now() - started) / 10) / 100,
      });
    }
  }
  log(
    `  ${out
      .map(o => `${o.cluster} ${o.window}: ${o.mb} MB in ${o.seconds} s`)
      .join('; ')}`,
  );
  return out;
}

interface Target {
  target: string;
  measured: string;
  /** `partly`: met at some viewer counts (or by one reading), not at all. */
  met: 'yes' | 'partly' | 'no';
}

function evaluateTargets(
  levels: LevelResult[],
  stress: LevelResult[],
  instances: number,
  refreshIntervalS: number,
): Target[] {
  const ours = levels.filter(l => l.backend === 'ours');
  const targets: Target[] = [];
  const caused = ours.map(l => l.argo.causedByPageViews ?? NaN);
  targets.push({
    target: '0 upstream Argo calls per page view while our snapshot is fresh',
    measured: `Argo calls caused by page views at ${ours
      .map(l => l.viewers)
      .join(' / ')} viewers: ${caused.join(
      ' / ',
    )}; every Argo call in the levels was a scheduled refresh (${ours
      .map(l => l.argo.refreshLists)
      .join(' / ')} list calls)`,
    met: caused.every(c => c === 0) ? 'yes' : 'no',
  });
  // Ours in steady state: one list per instance per refresh interval, plus what views caused.
  const scheduled = (instances * 60) / refreshIntervalS;
  const oursRate = (l: LevelResult) =>
    scheduled + (l.argo.causedByPageViews ?? 0) / (l.elapsedS / 60);
  const perMin = ours.map(l => l.argo.perMinute);
  // A window may hold one refresh round more than its length suggests.
  const bound = Math.max(
    ...ours.map(
      l =>
        ((Math.ceil(l.elapsedS / refreshIntervalS) + 1) * instances) /
        (l.elapsedS / 60),
    ),
  );
  targets.push({
    target: 'upstream calls per minute that do not grow with viewers',
    measured: `ours, measured: ${perMin
      .map((p, i) => `${fmt(p, 0)}/min at ${ours[i].viewers} viewers`)
      .join(', ')} (the schedule is ${fmt(
      scheduled,
      0,
    )}/min: ${instances} instances every ${refreshIntervalS} s; a ${fmt(
      ours[0]?.elapsedS ?? 0,
      0,
    )} s window holds 1 or 2 rounds)`,
    met:
      perMin.every(p => p <= bound) && caused.every(c => c === 0)
        ? 'yes'
        : 'no',
  });
  const verdict = (oks: boolean[]): Target['met'] => {
    if (oks.length && oks.every(Boolean)) return 'yes';
    return oks.some(Boolean) ? 'partly' : 'no';
  };
  for (const id of ['roadie', 'community'] as const) {
    const theirs = levels.filter(l => l.backend === id);
    const pages = [...new Set(theirs.map(l => l.page))];
    for (const page of pages) {
      const rows = theirs.filter(l => l.page === page);
      const perMinute: string[] = [];
      const perMinuteOk: boolean[] = [];
      const perView: string[] = [];
      const p95Ratios: string[] = [];
      const p95Ok: boolean[] = [];
      for (const r of rows) {
        const o = ours.find(l => l.viewers === r.viewers);
        if (!o) continue;
        const ratio = r.argo.perMinute / oursRate(o);
        perMinute.push(
          `${fmt(ratio, 1)}× at ${r.viewers} (${fmt(
            r.argo.perMinute,
            0,
          )} vs ${fmt(oursRate(o), 0)})`,
        );
        perMinuteOk.push(ratio >= 10);
        perView.push(
          `${fmt(r.argo.perView, 1)} vs ${o.argo.causedByPageViews ?? '?'}`,
        );
        const p =
          (r.pageLatencyMs.p95 ?? 0) / Math.max(1e-9, o.pageLatencyMs.p95 ?? 0);
        p95Ratios.push(
          `${fmt(p, 1)}× at ${r.viewers} (${fmt(r.pageLatencyMs.p95)} vs ${fmt(
            o.pageLatencyMs.p95,
          )} ms)`,
        );
        p95Ok.push(p >= 10);
      }
      const oneTheirs = stress.find(l => l.page === page && l.viewers === 1);
      const oneOurs = stress.find(l => l.backend === 'ours' && l.viewers === 1);
      const label = rows[0]?.pageLabel ?? page;
      const viewsOk = ours.every(o => o.argo.causedByPageViews === 0);
      targets.push({
        target: `≥10× fewer Argo calls than ${label}`,
        measured:
          `per page view: ${perView.join(', ')} (theirs vs ours, at ${rows
            .map(r => r.viewers)
            .join(' / ')} viewers); ` +
          `per minute, ours counting its refresh schedule: ${perMinute.join(
            '; ',
          )}`,
        met: viewsOk ? verdict(perMinuteOk) : 'no',
      });
      targets.push({
        target: `≥10× lower page-load p95 than ${label}`,
        measured: `${p95Ratios.join('; ')}${
          oneTheirs && oneOurs
            ? `; 1 viewer in a closed loop: ${fmt(
                (oneTheirs.pageLatencyMs.p95 ?? 0) /
                  Math.max(1e-9, oneOurs.pageLatencyMs.p95 ?? 0),
                1,
              )}× (${fmt(oneTheirs.pageLatencyMs.p95)} vs ${fmt(
                oneOurs.pageLatencyMs.p95,
              )} ms)`
            : ''
        }`,
        met: verdict(p95Ok),
      });
    }
  }
  const at100 = ours.find(l => l.viewers === 100);
  const stress100 = stress.find(l => l.viewers === 100);
  const o100 = at100 && overviewLatency(at100);
  const s100 = stress100 && overviewLatency(stress100);
  targets.push({
    target: 'p95 of our overview under 20 ms at 100 concurrent viewers',
    measured: `overview request p95 ${fmt(o100?.p95)} ms (p50 ${fmt(
      o100?.p50,
    )}) with 100 viewers keeping pages open ${
      at100 ? at100.dwellMs / 1000 : '?'
    } s; ${fmt(
      s100?.p95,
    )} ms with 100 viewers in a closed loop (no think time)`,
    met: (o100?.p95 ?? Infinity) < 20 ? 'yes' : 'no',
  });
  return targets;
}

function sideBySideMarkdown(r: any): string {
  const m = r.machine;
  const levels = r.levels as LevelResult[];
  const oursRuns = levels
    .filter(l => l.backend === 'ours')
    .concat(r.closedLoop)
    .flatMap(l => l.refreshRuns ?? [])
    .filter(x => x.taskId.startsWith('gitops-refresh-argocd-'))
    .map(x => x.seconds)
    .sort((a, b) => a - b);
  return [
    '# Side by side: ours vs Roadie vs community Argo CD backends',
    '',
    `Measured ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC with \`${
      r.command
    }\` on ${m.cpus} cores (${m.cpuModel}), ${m.memoryGb} GB, Node ${
      m.node
    }; ` +
      'the fleet, each backend (one at a time) and the load generator share those cores ' +
      '(the 1-minute load average at the end of each level is in the JSON).',
    '',
    `Fleet: ${r.setup.fleet.instances} Argo CD instances × ${fmt(
      r.setup.fleet.appsPerInstance,
      0,
    )} applications; ${
      r.setup.entities
    } catalog entities with 3 environments each ` +
      `(\`argocd/app-selector: app.kubernetes.io/name=svc-…\`, all on one instance). Each level: N viewers for ${r.setup.levelDurationS} s, each in its own browser (keep-alive, 6 connections), keeping an entity page open ${r.setup.pageOpenS} s (polling runs meanwhile), then opening the next entity; viewers start spread over the first ${r.setup.pageOpenS} s. Their backends use an Argo CD API token per instance (their READMEs' recommended setup: no login call per request); ` +
      'ours reads Argo CD and Velero (cost off, see below), refresh every 30 s.',
    '',
    levelTable(levels),
    '',
    "Page load = all requests of opening the page, in the frontend's order and parallelism. Errors = failed requests. " +
      'Argo calls / view = all Argo calls in the level ÷ page views; for ours, "caused by views" counts the Argo calls ' +
      "not made by a scheduled refresh run (the backend's scheduler records each run).",
    '',
    '## Targets',
    '',
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...(r.targets as Target[]).map(
      t =>
        `| ${t.target} | ${t.measured} | ${
          t.met === 'yes' ? 'yes' : `**${t.met}**`
        } |`,
    ),
    '',
    '## Our overview request alone',
    '',
    overviewTable([
      ...levels.filter(l => l.backend === 'ours'),
      ...r.closedLoop,
    ]),
    '',
    `Our snapshot refresh during these levels: ${oursRuns.length} Argo CD instance refreshes, ` +
      `median ${fmt(
        oursRuns[Math.floor((oursRuns.length - 1) / 2)],
        2,
      )} s, max ${fmt(
        oursRuns[oursRuns.length - 1],
        2,
      )} s each (the five run together every 30 s, in the same process that serves the pages).`,
    '',
    '## Closed loop (no think time): ours at every level, theirs with one viewer',
    '',
    levelTable(r.closedLoop),
    '',
    '## What a page view is',
    '',
    ...(r.pages as Array<{ label: string; requests: string }>).map(
      p => `- **${p.label}**: ${p.requests}.`,
    ),
    '',
    "The entity itself (`GET /api/catalog/entities/by-name/…`), which Backstage's entity page fetches for every plugin alike, is not counted; nor is our Signals websocket (one per browser, not per page).",
    '',
    '## Argo CD calls by route',
    '',
    routesTable(levels),
    '',
    '## Cost sources at this scale (why ours runs without cost here)',
    '',
    'One allocation query per cluster and window, as ours makes it every 30 s, fleet otherwise idle:',
    '',
    ...(
      r.costAnswers as Array<{
        cluster: string;
        window: string;
        mb: number;
        seconds: number;
      }>
    ).map(
      c =>
        `- ${c.cluster} ${c.window}: ${fmt(c.mb)} MB in ${fmt(c.seconds, 2)} s`,
    ),
    '',
    'With these in the refresh, the fleet is busy most of every 30 s and our Argo CD list calls (5 s timeout) time out.',
    '',
    `Start-up to ready (ms): ${Object.entries(r.startupMs)
      .map(([k, v]) => `${k} ${fmt(v as number, 0)}`)
      .join(', ')}. RSS before load (MB): ${Object.entries(r.idleRssMb)
      .map(([k, v]) => `${k} ${fmt(v as number, 0)}`)
      .join(
        ', ',
      )}. Every backend runs through Backstage's TypeScript transform with source maps, as scripts/serve-e2e.sh runs ours; ours is the whole product backend (catalog, scaffolder, search, techdocs, …).`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Scale curve

async function triggerRefresh(backend: RunningBackend, taskId: string) {
  await waitFor(
    `trigger ${taskId}`,
    async () => {
      const res = await fetch(
        `${backend.baseUrl}/api/gitops/.backstage/scheduler/v1/tasks/${taskId}/trigger`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${backend.token}` },
        },
      );
      // 409 while a run is under way: try again.
      return res.ok ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
}

const median = (v: number[]) => {
  if (!v.length) return undefined;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};

const ANSI_COLOR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** `gitops: refreshing argocd <instance> failed: …` lines of our backend's log. */
async function refreshFailures(logDir: string): Promise<string[]> {
  const text = await fs
    .readFile(path.join(logDir, 'backend-ours.log'), 'utf8')
    .catch(() => '');
  return [
    ...text
      .replace(ANSI_COLOR, '')
      .matchAll(/gitops: refreshing argocd (\S+) failed: ([^\n]*)/g),
  ].map(m => `${m[1]}: ${m[2].trim()}`);
}

/** One point of the scale curve: a fresh fleet and a fresh backend. */
async function scalePoint(options: {
  args: Args;
  workDir: string;
  appsPerInstance: number;
  /** Per-instance Argo CD timeout (ms); the product's default (5 s) when undefined. */
  argoTimeoutMs?: number;
}) {
  const { args, workDir, appsPerInstance } = options;
  const instances = 5;
  const tag = `${appsPerInstance}${
    options.argoTimeoutMs ? `-t${options.argoTimeoutMs}` : ''
  }`;
  const logDir = path.join(workDir, 'logs', `scale-${tag}`);
  const point: any = {
    appsPerInstance,
    totalApps: appsPerInstance * instances,
    argoTimeoutMs: options.argoTimeoutMs ?? 5000,
  };
  const t0 = Date.now();
  const fleet = await startFleetProcess({
    dir: path.join(workDir, `fleet-${tag}`),
    instances,
    appsPerInstance,
    controlPort: PORTS.control,
    logDir,
  });
  try {
    point.fleetStartMs = Date.now() - t0;
    point.fleetRssMb = rssMb(fleet.process.pid);
    const entities = benchEntities({
      count: 200,
      appsPerInstance,
      instanceIndexes: [2, 3, 4],
    });
    point.entities = entities.length;
    const entitiesFile = await writeEntities(workDir, entities);
    const taskLog = path.join(workDir, `tasks-scale-${tag}.jsonl`);
    const gitops: Record<string, unknown> = { ...OURS_GITOPS };
    if (options.argoTimeoutMs) {
      gitops.argocd = {
        instances: fleet.argo.map(a => ({
          name: a.name,
          url: a.url,
          username: a.username,
          password: a.password,
          timeoutMs: options.argoTimeoutMs,
        })),
      };
    }
    const t1 = Date.now();
    let ours: RunningBackend;
    try {
      ours = await startOurs({
        port: PORTS.ours,
        fleet,
        entitiesFile,
        workDir,
        logDir,
        taskLog,
        gitops,
        readyEntity: entities[entities.length - 1].name,
        readyTimeoutMs: 240_000,
        readyWhen: 'data',
      });
    } catch (e) {
      // Typically: every refresh of an instance times out, so the snapshot never fills.
      const runs = await readTaskRuns(taskLog);
      const failures = await refreshFailures(logDir);
      point.error = `not ready: ${String((e as Error).message).split('\n')[0]}`;
      point.refreshFailures = failures.slice(-5);
      point.refreshFailureCount = failures.length;
      point.argoRefreshRuns = runs
        .filter(r => r.taskId.startsWith('gitops-refresh-argocd-'))
        .map(r => ({
          taskId: r.taskId,
          seconds: Math.round(r.seconds * 1000) / 1000,
        }));
      log(
        `  ${point.error}; ${failures.length} failed refreshes, e.g. ${
          failures[0] ?? '–'
        }`,
      );
      return point;
    }
    point.backendStartMs = Date.now() - t1;
    const rssIdle = rssMb(ours.process.pid);
    // Refresh time, idle: the five instances' tasks triggered together (as their schedule runs
    // them), twice.
    const argoTasks = fleet.argo.map(a => `gitops-refresh-argocd-${a.name}`);
    const idleRuns: number[] = [];
    for (let round = 0; round < 2; round++) {
      const since = Date.now();
      for (const id of argoTasks) await triggerRefresh(ours, id);
      const runs = await waitFor(
        'the triggered refresh runs',
        async () => {
          const r = (await readTaskRuns(taskLog)).filter(
            x =>
              argoTasks.includes(x.taskId) && x.at - x.seconds * 1000 >= since,
          );
          return r.length >= argoTasks.length ? r : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 500 },
      );
      idleRuns.push(...runs.map(r => r.seconds));
    }
    await warmUp({ backend: ours, page: oursPage, entities });
    const levels: LevelResult[] = [];
    for (const viewers of [1, 10]) {
      await sleep(1000);
      const r = await measureLevel({
        backend: ours,
        fleet,
        page: oursPage,
        entities,
        viewers,
        durationMs: args.scaleDurationS * 1000,
        dwellMs: 0,
        taskLog,
      });
      logLevel(r);
      levels.push(r);
    }
    const loadRuns = levels
      .flatMap(r => r.refreshRuns ?? [])
      .filter(x => argoTasks.includes(x.taskId))
      .map(x => x.seconds);
    Object.assign(point, {
      overviewLatencyMs: {
        viewers1: overviewLatency(levels[0]),
        viewers10: overviewLatency(levels[1]),
      },
      pageViewsPerSecond: {
        viewers1:
          Math.round((levels[0].pageViews / levels[0].elapsedS) * 10) / 10,
        viewers10:
          Math.round((levels[1].pageViews / levels[1].elapsedS) * 10) / 10,
      },
      errors: levels.reduce((a, r) => a + r.errorCount, 0),
      argoCausedByPageViews: levels.reduce(
        (a, r) => a + (r.argo.causedByPageViews ?? 0),
        0,
      ),
      rssMb: { afterStart: rssIdle, afterLoad: levels[1].rssMb },
      refreshSecondsPerInstance: {
        idle: {
          median: median(idleRuns),
          max: Math.max(...idleRuns),
          runs: idleRuns.length,
        },
        underLoad: loadRuns.length
          ? {
              median: median(loadRuns),
              max: Math.max(...loadRuns),
              runs: loadRuns.length,
            }
          : undefined,
      },
      fleetRssMb: rssMb(fleet.process.pid),
      argoRefreshRuns: (await readTaskRuns(taskLog)).filter(x =>
        argoTasks.includes(x.taskId),
      ).length,
      argoRefreshFailures: (await refreshFailures(logDir)).length,
    });
    log(
      `  refresh per instance: idle median ${fmt(
        median(idleRuns),
        3,
      )} s, max ${fmt(Math.max(...idleRuns), 3)} s; RSS ${rssIdle} → ${
        levels[1].rssMb
      } MB`,
    );
    await ours.stop();
    return point;
  } finally {
    await stopAll();
    await fs.rm(path.join(workDir, `fleet-${tag}`), {
      recursive: true,
      force: true,
    });
  }
}

async function scaleCurve(args: Args, workDir: string) {
  const points: any[] = [];
  for (const appsPerInstance of args.scaleApps) {
    log(`scale: 5 instances × ${appsPerInstance} applications`);
    const point = await scalePoint({ args, workDir, appsPerInstance });
    points.push(point);
    if (point.error || point.argoRefreshFailures > 0) {
      // Refreshes timing out (the product's default Argo CD timeout is 5 s): the same point with
      // a longer timeout shows what a refresh of this size takes when it is let finish.
      log('  again with a 30 s Argo CD timeout per instance');
      points.push(
        await scalePoint({
          args,
          workDir,
          appsPerInstance,
          argoTimeoutMs: 30_000,
        }),
      );
    }
  }
  const result = {
    kind: 'scale',
    measuredAt: new Date().toISOString(),
    machine: machine(),
    command: 'bench/run.sh --only scale',
    setup: {
      instances: 5,
      load: `1 and 10 viewers, closed loop (no think time), ${args.scaleDurationS} s each`,
      refreshIntervalS: 30,
    },
    points,
  };
  await fs.mkdir(args.out, { recursive: true });
  await fs.writeFile(
    path.join(args.out, 'scale.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  await fs.writeFile(path.join(args.out, 'scale.md'), scaleMarkdown(result));
  log(`wrote ${path.join(args.out, 'scale.{md,json}')}`);
}

function scaleMarkdown(r: any): string {
  const m = r.machine;
  const rows = (r.points as any[]).map(p => {
    const label = `${fmt(p.appsPerInstance, 0)}${
      p.argoTimeoutMs !== 5000
        ? ` (Argo timeout ${p.argoTimeoutMs / 1000} s)`
        : ''
    }`;
    if (p.error) {
      return `| ${label} | ${fmt(p.totalApps, 0)} | ${fmt(p.entities, 0)} | ${
        p.refreshFailureCount
      } / ${p.argoRefreshRuns?.length ?? '–'} | ${p.error}: ${
        p.refreshFailureCount
      } failed refreshes, e.g. \`${
        p.refreshFailures?.[0] ?? '–'
      }\` | | | | | | | ${fmt(p.fleetRssMb, 0)} |`;
    }
    const idle = p.refreshSecondsPerInstance.idle;
    const load = p.refreshSecondsPerInstance.underLoad;
    return `| ${label} | ${fmt(p.totalApps, 0)} | ${p.entities} | ${
      p.argoRefreshFailures ?? '–'
    } / ${p.argoRefreshRuns ?? '–'} | ${lat(
      p.overviewLatencyMs.viewers1,
    )} | ${lat(p.overviewLatencyMs.viewers10)} | ${fmt(
      p.pageViewsPerSecond.viewers10,
      0,
    )} | ${p.errors} / ${p.argoCausedByPageViews} | ${fmt(
      p.rssMb.afterStart,
      0,
    )} → ${fmt(p.rssMb.afterLoad, 0)} | ${fmt(idle.median, 2)} / ${fmt(
      idle.max,
      2,
    )} | ${load ? `${fmt(load.median, 2)} / ${fmt(load.max, 2)}` : '–'} | ${fmt(
      p.fleetRssMb,
      0,
    )} |`;
  });
  return [
    '# Scale curve: our backend as applications per instance grow',
    '',
    `Measured ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC with \`${
      r.command
    }\` on ${m.cpus} cores (${m.cpuModel}), Node ${m.node}. ${
      r.setup.instances
    } Argo CD instances, a fresh fleet and a fresh backend per row; the real backend ` +
      `(packages/backend, Argo CD + Velero, cost off), refresh every ${r.setup.refreshIntervalS} s; load: ${r.setup.load}. ` +
      "Refresh time: the scheduler's own duration of each `gitops-refresh-argocd-<instance>` run " +
      '(the list call, parsing, the snapshot write and change detection), idle (the five instances ' +
      'triggered together, as their schedule runs them, twice) and during the load. A refresh ' +
      'that fails (the Argo CD call times out: 5 s by default) still counts as a run; the ' +
      'snapshot then keeps serving the last good data, marked stale. Rows with failed refreshes ' +
      'are repeated with `timeoutMs: 30000` on every instance.',
    '',
    '| apps / instance | apps | entities | Argo CD refreshes failed / run (whole row) | overview p50 / p95 / p99 (ms), 1 viewer | overview p50 / p95 / p99 (ms), 10 viewers | page views / s, 10 viewers | errors / Argo calls caused by views | backend RSS after start → after load (MB) | refresh per instance, idle: median / max (s) | refresh during load: median / max (s) | fleet RSS (MB) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Quick: seconds, asserts our upstream-call counts only

async function quick(workDir: string): Promise<boolean> {
  log('quick: fleet 2 × 50 applications, 10 entities, our backend');
  const { failures } = await runQuickBench({
    workDir,
    ports: QUICK_PORTS,
    log: line => log(`  ${line}`),
  });
  if (failures.length) {
    console.error(`quick bench FAILED:\n  ${failures.join('\n  ')}`);
    return false;
  }
  log(
    'quick bench passed: 0 Argo calls caused by page views; ≤ 1 list per instance per refresh',
  );
  return true;
}

// ---------------------------------------------------------------------------------------------

async function rewriteReports(out: string) {
  const read = async (name: string) =>
    JSON.parse(
      await fs.readFile(path.join(out, name), 'utf8').catch(() => 'null'),
    );
  const sbs = await read('side-by-side.json');
  if (sbs) {
    sbs.targets = evaluateTargets(
      sbs.levels,
      sbs.closedLoop,
      sbs.setup.fleet.instances,
      sbs.setup.oursRefreshIntervalS,
    );
    await fs.writeFile(
      path.join(out, 'side-by-side.json'),
      `${JSON.stringify(sbs, null, 2)}\n`,
    );
    await fs.writeFile(
      path.join(out, 'side-by-side.md'),
      sideBySideMarkdown(sbs),
    );
  }
  const scale = await read('scale.json');
  if (scale)
    await fs.writeFile(path.join(out, 'scale.md'), scaleMarkdown(scale));
  log(`rewrote the reports in ${out}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-bench-'));
  log(`work dir (logs): ${workDir}`);
  let ok = true;
  const stopOnSignal = () => {
    void stopAll().then(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    if (args.reportOnly) {
      await rewriteReports(args.out);
    } else if (args.quick) {
      ok = await quick(workDir);
    } else {
      if (args.only !== 'scale') await sideBySide(args, workDir);
      if (args.only !== 'side-by-side') await scaleCurve(args, workDir);
    }
  } catch (e) {
    ok = false;
    console.error(e);
  } finally {
    await stopAll();
  }
  if (ok && !args.keep) {
    await fs.rm(workDir, { recursive: true, force: true });
  } else {
    log(`logs kept in ${workDir}`);
  }
  process.exit(ok ? 0 : 1);
}

void main();
