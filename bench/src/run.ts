/* eslint-disable no-console */
/**
 * The benchmark (bench/README.md). Run through bench/run.sh:
 *
 *   bench/run.sh                      # side by side, then the scale curve; writes bench/results/
 *   bench/run.sh --only side-by-side | --only scale
 *   bench/run.sh --quick              # ours only, small; asserts call counts (also a unit test)
 *   bench/run.sh --report-only        # rewrites the markdown and the SVG from the JSON
 *
 * The backend under test runs on one CPU (`--backend-cpus`, default 0), this process, the fleet
 * and the load generator on the other (`--bench-cpus`, default 1); `--no-pin` leaves both alone.
 * Every process it starts is stopped before it exits.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, type Args } from './args';
import { estateBench, writeEstateReport } from './estate';
import { buildOurs } from './lib/buildOurs';
import { hasTaskset, stopAll } from './lib/proc';
import { log } from './log';
import { runQuickBench } from './quick';
import { writeReports } from './report/reports';
import { scaleCurve } from './scale';
import { sideBySide } from './sideBySide';

const QUICK_PORTS = { control: 7291, ours: 7211 };

/** This process (and so the fleet it starts) on the bench's CPUs; the backend gets its own. */
function pin(args: Args) {
  if (!args.backendCpus) return;
  if (!hasTaskset()) {
    log('taskset (util-linux) is missing: nothing is pinned');
    args.backendCpus = undefined;
    args.benchCpus = undefined;
    return;
  }
  execFileSync(
    'taskset',
    ['-a', '-p', '-c', args.benchCpus!, String(process.pid)],
    {
      stdio: 'ignore',
    },
  );
  log(
    `pinned: backend on CPU ${args.backendCpus}, the rest on CPU ${args.benchCpus}`,
  );
}

async function quick(workDir: string): Promise<boolean> {
  log(
    'quick: fleet 2 × 50 applications (no reconciliation), 10 entities, the host with our plugin',
  );
  const { failures } = await runQuickBench({
    workDir,
    ports: QUICK_PORTS,
    log: line => log(`  ${line}`),
  });
  if (failures.length) {
    console.error(`quick bench FAILED:\n  ${failures.join('\n  ')}`);
    return false;
  }
  log('quick bench passed');
  return true;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-bench-'));
  log(`work dir (logs): ${workDir}`);
  let ok = true;
  let removeBuilds: (() => void) | undefined;
  const stopOnSignal = () => {
    void stopAll().then(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    if (args.reportOnly) {
      await writeReports(args.out);
      log(`rewrote the reports in ${args.out}`);
    } else if (args.quick) {
      ok = await quick(workDir);
    } else if (args.only === 'estate') {
      pin(args);
      if (!args.fromSource) {
        removeBuilds = buildOurs(log);
        process.env.BENCH_OURS_FROM = 'dist';
      }
      const estate = await estateBench(args, workDir, args.apps, args.entities);
      await writeEstateReport(args.out, estate);
      log(
        `wrote ${args.out}/estate.{md,json}: p95 ${estate.target.measuredP95Ms} ms (target < ${estate.target.p95Ms} ms)`,
      );
    } else {
      pin(args);
      if (!args.fromSource) {
        removeBuilds = buildOurs(log);
        process.env.BENCH_OURS_FROM = 'dist';
      }
      const fresh: Parameters<typeof writeReports>[1] = {};
      if (args.only !== 'scale') {
        fresh.sideBySide = await sideBySide(args, workDir);
        await writeReports(args.out, fresh);
      }
      if (args.only !== 'side-by-side') {
        const host = fresh.sideBySide?.runs.find(r => r.plugin === 'none');
        fresh.scale = await scaleCurve(
          args,
          workDir,
          host && {
            steadyMb: host.steadyRss?.mb,
            rssMb: host.rssAfterGcMb ?? host.idleRssMb,
            reducedMb: host.rssReducedMb,
          },
        );
      }
      const targets = await writeReports(args.out, fresh);
      log(
        `wrote ${args.out}: side-by-side, scale, targets (.md, .json), scale.svg`,
      );
      for (const t of targets)
        console.log(
          `${t.met.padEnd(12)} ${t.target}\n             ${t.measured}`,
        );
    }
  } catch (e) {
    ok = false;
    console.error(e);
  } finally {
    await stopAll();
    removeBuilds?.();
  }
  if (ok && !args.keep) {
    await fs.rm(workDir, { recursive: true, force: true });
  } else {
    log(`logs kept in ${workDir}`);
  }
  process.exit(ok ? 0 : 1);
}

void main();
