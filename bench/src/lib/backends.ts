import fs from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { RunningFleet } from './fleet';
import { PROBE_MODULE, ProbeReader } from './probe';
import { ROOT, startNode, stop, waitFor, type Started } from './proc';

/** Which Argo CD plugin the host backend carries (`none`: the host alone). */
export type PluginId = 'ours' | 'roadie' | 'community' | 'none';

export interface RunningBackend {
  id: PluginId;
  baseUrl: string;
  process: Started;
  /** A signed-in user's Backstage token (the guest sign-in of the development mode). */
  token: string;
  /** The preloaded probe's records (every backend carries the same probe). */
  probe: ProbeReader;
  /** When the backend answered its readiness check (epoch ms). */
  readyAt: number;
  startupMs: number;
  stop(): Promise<void>;
}

/** `GET /api/auth/guest/refresh`: what the sign-in page's "Enter" does. */
export async function guestToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh?env=development`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) {
    throw new Error(`guest sign-in: HTTP ${res.status} ${await res.text()}`);
  }
  const body = (await res.json()) as { backstageIdentity: { token: string } };
  return body.backstageIdentity.token;
}

/**
 * The bench overlay, the same for all four runs: port, the bench's catalog, Roadie's and the
 * community's `argocd` block and our `gitops` block (each plugin reads only its own), every
 * Argo CD instance with its static API token (both READMEs' recommended setup; ours too).
 */
async function overlay(options: {
  port: number;
  fleet: RunningFleet;
  entitiesFile: string;
  gitops?: Record<string, unknown>;
}) {
  const { port, fleet } = options;
  const token = new Map(fleet.argo.map(a => [a.name, a.token]));
  const theirs = fleet.argo.map(a => ({
    name: a.name,
    url: a.url,
    token: a.token,
  }));
  // Ours: the fragment's instances (whatever fields it has), a token instead of the password.
  const fragment = parse(await fs.readFile(fleet.configPath, 'utf8'));
  const ours = (
    fragment.gitops.argocd.instances as Array<Record<string, unknown>>
  ).map(({ username: _u, password: _p, ...rest }) => ({
    ...rest,
    token: token.get(String(rest.name)),
  }));
  const gitops = options.gitops ?? {};
  const argocd = (gitops.argocd as Record<string, unknown>) ?? {};
  return {
    app: { baseUrl: `http://localhost:${port}` },
    backend: {
      baseUrl: `http://localhost:${port}`,
      listen: { port, host: '127.0.0.1' },
      cors: { origin: `http://localhost:${port}` },
    },
    catalog: {
      locations: [
        {
          type: 'file',
          target: options.entitiesFile,
          rules: [{ allow: ['Component', 'Group'] }],
        },
        {
          type: 'file',
          target: path.join(ROOT, 'examples/org.yaml'),
          rules: [{ allow: ['User', 'Group'] }],
        },
      ],
    },
    argocd: { appLocatorMethods: [{ type: 'config', instances: theirs }] },
    gitops: { ...gitops, argocd: { ...argocd, instances: ours } },
  };
}

/** Ours is ready when the entity's overview has every source `ok` (and all Argo CD instances). */
async function oursReady(
  baseUrl: string,
  token: string,
  entity: string,
  instances: number,
) {
  const res = await fetch(
    `${baseUrl}/api/gitops/entities/component/default/${entity}/overview`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  if (!res.ok) return undefined;
  const body = (await res.json()) as {
    environments: unknown[];
    sources: Array<{ kind: string; provider: string; status: string }>;
  };
  const argo = body.sources.filter(s => s.provider === 'argocd');
  return body.environments.length > 0 &&
    argo.length === instances &&
    body.sources.every(s => s.status === 'ok')
    ? true
    : undefined;
}

/**
 * The host backend (bench/src/backends/host.ts: the app backend's plugin set) with one Argo CD
 * plugin, started from packages/backend with app-config.yaml, the fleet's fragment and the
 * bench overlay. Ready when the catalog has the last bench entity (and, for ours, its overview
 * has every source `ok`). Every backend gets the probe preloaded (backendProbe.ts).
 */
export async function startBackend(options: {
  plugin: PluginId;
  port: number;
  fleet: RunningFleet;
  entitiesFile: string;
  workDir: string;
  logDir: string;
  /** Our gitops config over the fleet's (e.g. `{argocd: {resyncMinutes: 1}}`). */
  gitops?: Record<string, unknown>;
  readyEntity: string;
  readyTimeoutMs?: number;
  cpus?: string;
}): Promise<RunningBackend> {
  const t0 = Date.now();
  const { plugin, workDir } = options;
  const config = path.join(workDir, `app-config.bench-${plugin}.yaml`);
  await fs.writeFile(config, stringify(await overlay(options)));
  const probeLog = path.join(workDir, `probe-${plugin}-${t0}.jsonl`);
  const started = startNode({
    name: plugin,
    script: path.join(ROOT, 'bench/src/backends/host.ts'),
    cwd: path.join(ROOT, 'packages/backend'),
    args: [
      ...[path.join(ROOT, 'app-config.yaml'), options.fleet.configPath, config]
        .map(c => ['--config', c])
        .flat(),
    ],
    env: {
      NODE_ENV: 'development',
      BENCH_ARGOCD_PLUGIN: plugin,
      BENCH_PROBE_LOG: probeLog,
      // Roadie's and the community's plugins have no per-instance CA setting: they trust the
      // HTTPS fleet's CA through Node's extra CAs. Every backend gets it (the host alone and
      // ours, which also has the fragment's caCert), so all run on the same ground.
      ...(options.fleet.caFile
        ? { NODE_EXTRA_CA_CERTS: options.fleet.caFile }
        : {}),
    },
    preload: [PROBE_MODULE],
    logFile: path.join(options.logDir, `backend-${plugin}.log`),
    cpus: options.cpus,
  });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const timeoutMs = options.readyTimeoutMs ?? 300_000;
  const token = await waitFor('guest sign-in', () => guestToken(baseUrl), {
    timeoutMs,
    started,
    intervalMs: 500,
  });
  await waitFor(
    `the catalog entity ${options.readyEntity}`,
    async () =>
      (
        await fetch(
          `${baseUrl}/api/catalog/entities/by-name/component/default/${options.readyEntity}`,
          { headers: { authorization: `Bearer ${token}` } },
        )
      ).ok || undefined,
    { timeoutMs, started, intervalMs: 500 },
  );
  if (plugin === 'ours') {
    await waitFor(
      `every source ok in the overview of ${options.readyEntity}`,
      () =>
        oursReady(baseUrl, token, options.readyEntity, options.fleet.instances),
      { timeoutMs, started, intervalMs: 500 },
    );
  }
  const readyAt = Date.now();
  return {
    id: plugin,
    baseUrl,
    process: started,
    token,
    probe: new ProbeReader(probeLog, started.pid),
    readyAt,
    startupMs: readyAt - t0,
    stop: () => stop(started),
  };
}
