import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/** The repository root (the bench workspace's parent). */
export const ROOT = path.resolve(resolvePackagePath('@internal/bench'), '..');
export const NODE_TRANSFORM = require.resolve(
  '@backstage/cli/config/nodeTransform.cjs',
  { paths: [ROOT] },
);

const children = new Set<ChildProcess>();

export interface Started {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
}

/**
 * Starts `node --require <Backstage's TS transform> <script> ...args` with its output in a log
 * file. Every process started here is stopped by {@link stopAll} (and on exit of this process).
 */
export function startNode(options: {
  name: string;
  script: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  logFile: string;
  /** Extra modules to --require after the transform (TypeScript is fine). */
  preload?: string[];
  /** Pin the process to these CPUs (`taskset -c`, which execs node: same pid). */
  cpus?: string;
}): Started {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = fs.openSync(options.logFile, 'w');
  const nodeArgs = [
    '--enable-source-maps',
    '--require',
    NODE_TRANSFORM,
    ...(options.preload ?? []).flatMap(p => ['--require', p]),
    options.script,
    ...(options.args ?? []),
  ];
  const child = spawn(
    options.cpus ? 'taskset' : process.execPath,
    options.cpus
      ? ['-c', options.cpus, process.execPath, ...nodeArgs]
      : nodeArgs,
    {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', out, out],
    },
  );
  fs.closeSync(out);
  children.add(child);
  child.on('exit', () => children.delete(child));
  if (!child.pid) throw new Error(`could not start ${options.name}`);
  return {
    name: options.name,
    child,
    pid: child.pid,
    logFile: options.logFile,
  };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stop(started: Started | undefined, graceMs = 10_000) {
  if (!started) return;
  const { child } = started;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll() {
  await Promise.all([...children].map(c => stop({ child: c } as Started)));
}

// Never leave a process behind, whatever ends this one.
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Resident set size of a process (VmRSS of /proc/<pid>/status), in MB. */
export function rssMb(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (100 ticks/s). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Whether `taskset` (util-linux) is there to pin processes to CPUs. */
export function hasTaskset(): boolean {
  return ['/usr/bin/taskset', '/bin/taskset'].some(p => fs.existsSync(p));
}

/** The median of a few RSS readings `intervalMs` apart (one reading jumps with the GC). */
export async function settledRssMb(
  pid: number,
  samples = 5,
  intervalMs = 500,
): Promise<number | undefined> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    const v = rssMb(pid);
    if (v !== undefined) values.push(v);
    if (i < samples - 1) await sleep(intervalMs);
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` (or when `started` exits). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; started?: Started },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const child = options.started?.child;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      const tail = await tailOf(options.started!.logFile);
      throw new Error(
        `${options.started!.name} exited (${
          child.exitCode ?? child.signalCode
        }) while waiting for ${what}; log ${
          options.started!.logFile
        }:\n${tail}`,
      );
    }
    if (options.started && (await startupFailed(options.started.logFile))) {
      throw new Error(
        `${options.started.name} failed to start; log ${
          options.started.logFile
        }:\n${await tailOf(options.started.logFile, 10)}`,
      );
    }
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${
          lastError ? `: ${String(lastError)}` : ''
        }`,
      );
    }
    await sleep(options.intervalMs ?? 250);
  }
}

/** Backstage keeps the process alive after a plugin fails to start; its log says so. */
async function startupFailed(file: string): Promise<boolean> {
  const text = await fsp.readFile(file, 'utf8').catch(() => '');
  return text.includes('Backend startup failed');
}

export async function tailOf(file: string, lines = 30): Promise<string> {
  try {
    return (await fsp.readFile(file, 'utf8'))
      .split('\n')
      .slice(-lines)
      .join('\n');
  } catch {
    return '';
  }
}

export interface SteadyRss {
  /** The median of the three readings after V8 gave memory back (what the targets judge). */
  mb?: number;
  /** One reading every 5 s from the start of the wait. */
  series: number[];
  /** Seconds into the wait when the RSS fell below 85 % of its first reading (V8 gave back). */
  fellAtS?: number;
  /** The longest wait. */
  settleS: number;
}

/**
 * The RSS of an idle backend once V8 has given back what its last busy phase (start-up, load, a
 * re-list) left committed: one reading every 5 s, nothing forced (no GC is asked for). V8's
 * memory reducer does this on its own some 20-60 s after the busy phase (bench/README, finding
 * 2): once a reading falls below 85 % of the first, the median of the next three is the steady
 * RSS; a backend that gives nothing back within `settleS` gets the median of its last three.
 */
export async function steadyRssMb(
  pid: number,
  settleS: number,
): Promise<SteadyRss> {
  const series: number[] = [];
  let fellAt: number | undefined;
  for (let s = 0; s <= settleS; s += 5) {
    const v = rssMb(pid);
    if (v !== undefined) {
      series.push(v);
      if (fellAt === undefined && v < series[0] * 0.85) fellAt = series.length;
    }
    if (fellAt !== undefined && series.length >= fellAt + 3) break;
    if (s < settleS) await sleep(5000);
  }
  const tail = (
    fellAt !== undefined ? series.slice(fellAt, fellAt + 3) : series.slice(-3)
  ).sort((a, b) => a - b);
  return {
    mb: tail[Math.floor(tail.length / 2)],
    series,
    ...(fellAt !== undefined ? { fellAtS: (fellAt - 1) * 5 } : {}),
    settleS,
  };
}
