import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { argoToken, type RunningFleet } from './fleet';
import { ROOT, startNode, stop, waitFor, type Started } from './proc';

export interface RunningBackend {
  id: 'ours' | 'roadie' | 'community';
  baseUrl: string;
  process: Started;
  /** A signed-in user's Backstage token (the guest sign-in of the development mode). */
  token: string;
  stop(): Promise<void>;
}

const TASK_PROBE = path.join(ROOT, 'bench/src/lib/taskTimingProbe.ts');

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

const backendSection = (port: number) => ({
  baseUrl: `http://localhost:${port}`,
  listen: { port, host: '127.0.0.1' },
  cors: { origin: `http://localhost:${port}` },
});

/**
 * The real product backend (packages/backend) as scripts/serve-e2e.sh runs it (no file
 * watcher, development mode), on the fleet's config fragment and a bench overlay: its own port,
 * and a catalog of the bench's entities (plus the example org, for the guest user).
 */
export async function startOurs(options: {
  port: number;
  fleet: RunningFleet;
  entitiesFile: string;
  workDir: string;
  logDir: string;
  /** Extra gitops config (e.g. refreshIntervalSeconds), merged over the fleet's. */
  gitops?: Record<string, unknown>;
  /** Where the task timing probe appends its records. */
  taskLog?: string;
  /** Wait for this entity's overview to show environments before returning. */
  readyEntity: string;
  readyTimeoutMs?: number;
  /**
   * `fresh` (default): every Argo CD source's last refresh succeeded. `data`: every source has
   * data, possibly stale (refreshes failing since).
   */
  readyWhen?: 'fresh' | 'data';
}): Promise<RunningBackend> {
  const overlay = path.join(options.workDir, `app-config.ours.yaml`);
  await fs.writeFile(
    overlay,
    stringify({
      app: { baseUrl: `http://localhost:${options.port}` },
      backend: backendSection(options.port),
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
      ...(options.gitops ? { gitops: options.gitops } : {}),
    }),
  );
  const started = startNode({
    name: 'ours',
    script: 'src/index',
    cwd: path.join(ROOT, 'packages/backend'),
    args: [
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      options.fleet.configPath,
      '--config',
      overlay,
    ],
    env: {
      NODE_ENV: 'development',
      ...(options.taskLog ? { BENCH_TASK_LOG: options.taskLog } : {}),
    },
    preload: options.taskLog ? [TASK_PROBE] : [],
    logFile: path.join(options.logDir, 'backend-ours.log'),
  });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  await waitFor(
    'our backend health',
    async () =>
      (
        await fetch(`${baseUrl}/api/gitops/health`).catch(() => undefined)
      )?.ok || undefined,
    { timeoutMs: 300_000, started, intervalMs: 500 },
  );
  const token = await waitFor('guest sign-in', () => guestToken(baseUrl), {
    timeoutMs: 120_000,
    started,
    intervalMs: 500,
  });
  // The catalog has read the entities and the snapshot has every instance.
  await waitFor(
    `the overview of ${options.readyEntity}`,
    async () => {
      const res = await fetch(
        `${baseUrl}/api/gitops/entities/component/default/${options.readyEntity}/overview`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      if (!res.ok) return undefined;
      const body = (await res.json()) as {
        environments: unknown[];
        sources: Array<{ kind: string; status: string }>;
      };
      const argo = body.sources.filter(s => s.kind === 'argocd');
      return body.environments.length > 0 &&
        argo.length === options.fleet.instances &&
        argo.every(
          s =>
            s.status === 'ok' ||
            (options.readyWhen === 'data' && s.status === 'stale'),
        )
        ? true
        : undefined;
    },
    { timeoutMs: options.readyTimeoutMs ?? 300_000, started, intervalMs: 1000 },
  );
  return {
    id: 'ours',
    baseUrl,
    process: started,
    token,
    stop: () => stop(started),
  };
}

/**
 * Roadie's or the community's backend plugin in a backend of its own (bench/src/backends), with
 * `argocd.appLocatorMethods` listing the fleet's instances, each with an API token (both READMEs'
 * recommended setup: no login call per request).
 */
export async function startTheirs(options: {
  id: 'roadie' | 'community';
  port: number;
  fleet: RunningFleet;
  workDir: string;
  logDir: string;
  /** `token` (default) or `password` (username + password per instance). */
  argoAuth?: 'token' | 'password';
}): Promise<RunningBackend> {
  const instances = await Promise.all(
    options.fleet.argo.map(async a => ({
      name: a.name,
      url: a.url,
      ...(options.argoAuth === 'password'
        ? { username: a.username, password: a.password }
        : { token: await argoToken(a) }),
    })),
  );
  const config = path.join(options.workDir, `app-config.${options.id}.yaml`);
  await fs.writeFile(
    config,
    stringify({
      app: { baseUrl: `http://localhost:${options.port}` },
      backend: {
        ...backendSection(options.port),
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
      auth: { providers: { guest: {} } },
      permission: { enabled: options.id === 'community' },
      argocd: { appLocatorMethods: [{ type: 'config', instances }] },
    }),
  );
  const started = startNode({
    name: options.id,
    script: path.join(ROOT, `bench/src/backends/${options.id}.ts`),
    cwd: path.join(ROOT, 'bench'),
    args: ['--config', config],
    env: { NODE_ENV: 'development' },
    logFile: path.join(options.logDir, `backend-${options.id}.log`),
  });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const token = await waitFor('guest sign-in', () => guestToken(baseUrl), {
    timeoutMs: 180_000,
    started,
    intervalMs: 500,
  });
  return {
    id: options.id,
    baseUrl,
    process: started,
    token,
    stop: () => stop(started),
  };
}
