import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, startNode, stop, waitFor, type Started } from './proc';

export interface FleetArgo {
  name: string;
  url: string;
  username: string;
  password: string;
}

/** Request counts of the fleet's servers, per server and route (GET /control/counts). */
export interface FleetCounts {
  argo: Record<string, Record<string, number>>;
  cost: Record<string, Record<string, number>>;
  kube: Record<string, Record<string, number>>;
}

export interface RunningFleet {
  process: Started;
  instances: number;
  appsPerInstance: number;
  argo: FleetArgo[];
  controlUrl: string;
  /** The app-config fragment the fleet wrote (the `gitops:` block for our backend). */
  configPath: string;
  counts(): Promise<FleetCounts>;
  /** Resets the counters (faults are kept: there are none). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the simulated fleet as its own process (`packages/fleet-simulator/bin/fleet-simulator`),
 * so its CPU and memory are not the load generator's, and waits for its config fragment.
 */
export async function startFleetProcess(options: {
  dir: string;
  instances: number;
  appsPerInstance: number;
  controlPort: number;
  logDir: string;
}): Promise<RunningFleet> {
  const configPath = path.join(options.dir, 'app-config.fleet.yaml');
  await fs.mkdir(options.dir, { recursive: true });
  await fs.rm(configPath, { force: true });
  const started = startNode({
    name: 'fleet',
    script: path.join(ROOT, 'packages/fleet-simulator/src/cli.ts'),
    args: [
      'start',
      '--dir',
      options.dir,
      '--config-out',
      configPath,
      '--instances',
      String(options.instances),
      '--apps-per-instance',
      String(options.appsPerInstance),
      '--control-port',
      String(options.controlPort),
      // The bench measures the backends, not git: no commits happen, no need to poll.
      '--git-poll-ms',
      '0',
    ],
    logFile: path.join(options.logDir, 'fleet.log'),
  });
  const fragment = await waitFor(
    'the fleet config fragment',
    async () => {
      const text = await fs.readFile(configPath, 'utf8').catch(() => '');
      return text.includes('gitops:') ? text : undefined;
    },
    { timeoutMs: 180_000, started },
  );
  const config = parse(fragment) as {
    gitops: {
      argocd: { instances: FleetArgo[] };
    };
  };
  const controlUrl = `http://127.0.0.1:${options.controlPort}`;
  return {
    process: started,
    instances: options.instances,
    appsPerInstance: options.appsPerInstance,
    argo: config.gitops.argocd.instances,
    controlUrl,
    configPath,
    async counts() {
      const res = await fetch(`${controlUrl}/control/counts`);
      return (await res.json()) as FleetCounts;
    },
    async reset() {
      await fetch(`${controlUrl}/control/reset?faults=false`, {
        method: 'POST',
      });
    },
    stop: () => stop(started),
  };
}

/** A session token of an Argo instance (`POST /api/v1/session`), as an admin would configure. */
export async function argoToken(argo: FleetArgo): Promise<string> {
  const res = await fetch(`${argo.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: argo.username, password: argo.password }),
  });
  if (!res.ok) throw new Error(`login to ${argo.name}: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export const sum = (o: Record<string, number> | undefined) =>
  Object.values(o ?? {}).reduce((a, b) => a + b, 0);

/** Calls per route (the fleet counts route patterns) summed over a kind's servers. */
export function byRoute(
  counts: Record<string, Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const routes of Object.values(counts)) {
    for (const [route, n] of Object.entries(routes)) {
      out[route] = (out[route] ?? 0) + n;
    }
  }
  return out;
}

export const totalCalls = (counts: Record<string, Record<string, number>>) =>
  Object.values(counts).reduce((a, r) => a + sum(r), 0);
