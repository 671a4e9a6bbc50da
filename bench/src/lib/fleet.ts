import fs from 'node:fs/promises';
import path from 'node:path';
import { caFetch } from '@internal/fleet-simulator';
import { ROOT, startNode, stop, waitFor, type Started } from './proc';

export interface FleetArgo {
  name: string;
  url: string;
  username: string;
  password: string;
  /** A static API token (`argocd account generate-token`). */
  token: string;
  /** The fleet's CA (PEM) when it serves HTTPS: the bench's own calls trust it (argoFetch). */
  caCert?: string;
}

/** Node's fetch to an Argo CD instance of the fleet, trusting the fleet's CA on HTTPS. */
export function argoFetch(
  a: FleetArgo,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  return caFetch(a.caCert, url, init);
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
  /**
   * The fleet's CA file when it serves HTTPS (the default; undefined on plain HTTP): every
   * measured backend gets it as NODE_EXTRA_CA_CERTS (backends.ts).
   */
  caFile?: string;
  /** The options the fleet was started with (recorded in the results). */
  options: Record<string, unknown>;
  counts(): Promise<FleetCounts>;
  /** Resets the counters (faults are kept: there are none). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the simulated fleet as its own process (bench/src/fleetMain.ts, the fleet's library
 * API) and waits until it is up. Git polling is off (the bench commits nothing); `extra` is
 * merged into the fleet's options (e.g. `{argo: {reconcileIntervalMs: 0}}`).
 */
export async function startFleetProcess(options: {
  dir: string;
  instances: number;
  appsPerInstance: number;
  controlPort: number;
  logDir: string;
  extra?: Record<string, unknown>;
  cpus?: string;
}): Promise<RunningFleet> {
  const outDir = path.join(options.dir, 'out');
  await fs.rm(outDir, { recursive: true, force: true });
  const fleetOptions: Record<string, unknown> = {
    dir: options.dir,
    clock: 'real',
    instances: options.instances,
    appsPerInstance: options.appsPerInstance,
    gitPollIntervalMs: 0,
    ports: { control: options.controlPort },
    ...options.extra,
  };
  const started = startNode({
    name: 'fleet',
    script: path.join(ROOT, 'bench/src/fleetMain.ts'),
    args: [JSON.stringify(fleetOptions), outDir],
    logFile: path.join(options.logDir, 'fleet.log'),
    cpus: options.cpus,
  });
  const endpoints = await waitFor(
    'the fleet',
    async () => {
      const text = await fs
        .readFile(path.join(outDir, 'endpoints.json'), 'utf8')
        .catch(() => '');
      return text
        ? (JSON.parse(text) as {
            argo: FleetArgo[];
            tls?: { caCert: string; caFile: string };
          })
        : undefined;
    },
    { timeoutMs: 300_000, started },
  );
  const controlUrl = `http://127.0.0.1:${options.controlPort}`;
  return {
    process: started,
    instances: options.instances,
    appsPerInstance: options.appsPerInstance,
    argo: endpoints.argo.map(a => ({ ...a, caCert: endpoints.tls?.caCert })),
    controlUrl,
    configPath: path.join(outDir, 'app-config.fleet.yaml'),
    caFile: endpoints.tls?.caFile,
    options: fleetOptions,
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

/** The informer's own routes: a full list and the application stream. */
export const ARGO_LIST = 'GET /api/v1/applications';
export const ARGO_STREAM = 'GET /api/v1/stream/applications';
