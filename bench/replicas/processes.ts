/**
 * The replicas bench's processes: the fleet (its CLI, fixed ports) and the backend replicas
 * (packages/backend, NODE_ENV=production, app-config.production.yaml with an override each).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { log, request, round, sleep, waitFor, withToken } from './http';
import {
  APPS_PER_INSTANCE,
  DB_PREFIX,
  PORTS,
  PROXY,
  REDIS_DB,
  REDIS_PORT,
  ROOT,
  TOKEN,
  WORK,
} from './settings';

const children: ChildProcess[] = [];

function spawnLogged(
  name: string,
  command: string,
  args: string[],
  extraEnv: Record<string, string> = {},
) {
  const logFile = path.join(WORK, `${name}.log`);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  void fs.open(logFile, 'w').then(handle => {
    const stream = handle.createWriteStream();
    child.stdout?.pipe(stream);
    child.stderr?.pipe(stream);
  });
  children.push(child);
  return child;
}

/** SIGTERM to everything still running, SIGKILL 1.5 s later. */
export async function stopChildren() {
  const running = () =>
    children.filter(c => c.exitCode === null && c.signalCode === null);
  for (const child of running()) child.kill('SIGTERM');
  await sleep(1500);
  for (const child of running()) child.kill('SIGKILL');
}

async function portFree(port: number) {
  return new Promise<boolean>(resolve => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function assertPortsFree() {
  for (const port of [
    PORTS.proxy,
    PORTS.a,
    PORTS.b,
    PORTS.proxyNoRetry,
    ...PORTS.argo,
    ...PORTS.cost,
    ...PORTS.kube,
    PORTS.control,
  ]) {
    if (!(await portFree(port)))
      throw new Error(
        `port ${port} on 127.0.0.1 is in use (BENCH_PORT_BASE moves them)`,
      );
  }
}

/**
 * The fleet, as its own process (its CLI), on fixed ports, `APPS_PER_INSTANCE` filler
 * applications per instance, and Argo CD's periodic reconciliation off: nothing changes
 * upstream unless the bench changes it, so the calls counted are the replicas' own. HTTPS (the
 * CLI's default): the fragment carries its CA.
 */
export async function startFleet() {
  const configOut = path.join(WORK, 'app-config.fleet.yaml');
  spawnLogged(
    'fleet',
    path.join(ROOT, 'packages/fleet-simulator/bin/fleet-simulator'),
    [
      'start',
      ...['--dir', path.join(WORK, 'fleet')],
      ...['--config-out', configOut],
      ...['--apps-per-instance', String(APPS_PER_INSTANCE)],
      ...['--reconcile-ms', '0'],
      ...['--argo-ports', PORTS.argo.join(',')],
      ...['--cost-ports', PORTS.cost.join(',')],
      ...['--kube-ports', PORTS.kube.join(',')],
      ...['--control-port', String(PORTS.control)],
    ],
  );
  await waitFor(
    'fleet',
    async () => (await fs.stat(configOut)).size > 0,
    120_000,
  );
  const https = (await fs.readFile(configOut, 'utf8')).includes('url: https:');
  log(
    `fleet up (2 Argo CD instances × ${APPS_PER_INSTANCE} filler apps, ${
      https ? 'HTTPS with its own CA' : 'plain HTTP'
    })`,
  );
  return { configOut, bareRepo: path.join(WORK, 'fleet/gitops.git') };
}

/** The override each replica is started with on top of the production config (JSON is YAML). */
function replicaConfig(port: number) {
  return JSON.stringify(
    {
      app: { baseUrl: PROXY },
      backend: {
        baseUrl: PROXY,
        listen: `127.0.0.1:${port}`,
        database: { prefix: DB_PREFIX },
        cache: { connection: `redis://127.0.0.1:${REDIS_PORT}/${REDIS_DB}` },
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: TOKEN, subject: 'bench-load' },
            },
          ],
        },
      },
      // Local bench only: guest sign-in under NODE_ENV=production, for the viewers and promotions.
      auth: {
        providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
      },
      catalog: {
        locations: [
          { type: 'file', target: './examples/entities.yaml' },
          {
            type: 'file',
            target: './examples/org.yaml',
            rules: [{ allow: ['User', 'Group'] }],
          },
          { type: 'file', target: './bench/replicas/entities.yaml' },
        ],
      },
    },
    null,
    2,
  );
}

export type Replica = {
  name: 'a' | 'b';
  url: string;
  child: ChildProcess;
  pid: number;
  startupMs: number;
};

/** Every source of the entity's overview `ok` on this replica (its informers have listed). */
async function overviewReady(url: string, token: string) {
  const res = await request(
    `${url}/api/gitops/entities/component/default/payments-api/overview`,
    { headers: withToken(token) },
  );
  if (res.status !== 200) return false;
  const body = JSON.parse(res.body) as {
    sources: Array<{ status: string }>;
  };
  return body.sources.length > 0 && body.sources.every(s => s.status === 'ok');
}

export async function startReplica(
  name: 'a' | 'b',
  fleetConfig: string,
): Promise<Replica> {
  const port = PORTS[name];
  const config = path.join(WORK, `replica-${name}.yaml`);
  await fs.writeFile(config, replicaConfig(port));
  const started = Date.now();
  const child = spawnLogged(
    `replica-${name}`,
    process.execPath,
    [
      '--require',
      path.join(
        ROOT,
        'node_modules/@backstage/cli-node/config/nodeTransform.cjs',
      ),
      'packages/backend/src/index',
      ...[
        'app-config.yaml',
        fleetConfig,
        'app-config.production.yaml',
        config,
      ].flatMap(c => ['--config', path.resolve(ROOT, c)]),
    ],
    {
      NODE_ENV: 'production',
      GITOPS_PROMOTION_WORKDIR: path.join(WORK, `promotion-${name}`),
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `replica ${name}`,
    async () =>
      (await request(`${url}/api/gitops/health`)).status === 200 &&
      (await overviewReady(url, TOKEN)),
    180_000,
    () =>
      child.exitCode === null
        ? undefined
        : `exited (${child.exitCode}), see ${WORK}/replica-${name}.log`,
  );
  const startupMs = Date.now() - started;
  log(
    `replica ${name} up on ${url} (pid ${child.pid}) after ${round(
      startupMs / 1000,
    )} s`,
  );
  return { name, url, child, pid: child.pid!, startupMs };
}

/** Resident set size in MB (VmRSS). */
export async function rssMb(pid: number): Promise<number | undefined> {
  const status = await fs
    .readFile(`/proc/${pid}/status`, 'utf8')
    .catch(() => '');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Math.round(Number(m[1]) / 1024) : undefined;
}
