/* eslint-disable no-console */
/*
 * Two replicas of the real backend (packages/backend, production config: PostgreSQL + Redis)
 * behind a round-robin proxy, on the simulated fleet. Run through bench/replicas/run.sh, which
 * starts PostgreSQL and Redis and passes their coordinates in the environment. Measures:
 *   a) the snapshot refresh runs once per interval across both replicas (scheduler, global scope)
 *   b) the cache is shared: a replica answers a page right after the other's refresh with no
 *      upstream call
 *   c) promotions sent to both replicas at once never interleave (the database lock)
 *   d) kill -9 of one replica under load: errors seen by clients, recovery time, latency
 * and writes bench/results/replicas.{json,md}.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { startProxy, type ProxyEvent } from './proxy';

const exec = promisify(execFile);
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run bench/replicas/run.sh)`);
  return value;
};

const ROOT = env('GITOPS_ROOT');
const WORK = env('BENCH_WORK');
const RESULTS = process.env.BENCH_RESULTS ?? path.join(ROOT, 'bench/results');
const REDIS_PORT = Number(env('GITOPS_REDIS_PORT'));
const REDIS_DB = Number(env('BENCH_REDIS_DB'));
const DB_PREFIX = env('BENCH_DB_PREFIX');
const BASE = Number(process.env.BENCH_PORT_BASE ?? 7100);
const PORTS = {
  proxy: BASE,
  a: BASE + 1,
  b: BASE + 2,
  proxyNoRetry: BASE + 3,
  argo: [BASE + 91, BASE + 92],
  cost: [BASE + 93, BASE + 94],
  kube: [BASE + 95, BASE + 96],
  control: BASE + 99,
};
const INTERVAL_S = 5;
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 25_000);
const LOAD_MS = Number(process.env.BENCH_LOAD_MS ?? 20_000);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 20);
const TOKEN = `bench-replicas-${randomUUID()}`;
const OVERVIEW = '/api/gitops/entities/component/default/payments-api/overview';
const CONTROL = `http://127.0.0.1:${PORTS.control}`;
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const log = (message: string) => console.log(`[${elapsed()}] ${message}`);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

// --- small HTTP helpers ----------------------------------------------------------------------

type Answer = { status: number; body: string; ms: number };
const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });

function request(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    timeoutMs?: number;
  } = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const body =
      options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent,
        timeout: options.timeoutMs ?? 30_000,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const withToken = (token: string) => ({ authorization: `Bearer ${token}` });

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  fatal: () => string | undefined = () => undefined,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = fatal();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

type Counts = Record<
  'argo' | 'cost' | 'kube',
  Record<string, Record<string, number>>
>;
const counts = async (): Promise<Counts> =>
  JSON.parse((await request(`${CONTROL}/control/counts`)).body);
const diffCounts = (before: Counts, after: Counts) => {
  const out: Record<string, number> = {};
  for (const kind of ['argo', 'cost', 'kube'] as const) {
    for (const [service, routes] of Object.entries(after[kind])) {
      for (const [route, n] of Object.entries(routes)) {
        const d = n - (before[kind][service]?.[route] ?? 0);
        if (d) out[`${service} ${route}`] = d;
      }
    }
  }
  return out;
};
const sumOf = (d: Record<string, number>, match: RegExp) =>
  Object.entries(d)
    .filter(([k]) => match.test(k))
    .reduce((s, [, n]) => s + n, 0);

/** The refresh's upstream calls in a window: Argo CD lists and cost allocation queries. */
const refreshCalls = (calls: Record<string, number>) => ({
  argoListCalls: {
    'argocd-main': calls['argocd-main GET /api/v1/applications'] ?? 0,
    'argocd-prod': calls['argocd-prod GET /api/v1/applications'] ?? 0,
  },
  costAllocationCalls: {
    'cluster-main (7d + 30d)': sumOf(
      calls,
      /^cluster-main GET \/model\/allocation/,
    ),
    'cluster-prod (7d + 30d)': sumOf(calls, /^cluster-prod GET \/allocation/),
  },
});

function percentile(values: number[], p: number) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}
const round = (n: number) => Math.round(n * 10) / 10;

// --- Redis: flush the bench's db, and watch who writes and reads the snapshot ----------------

function redisCommand(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(REDIS_PORT, '127.0.0.1');
    let out = '';
    socket.on('data', d => {
      out += d.toString();
      if (out.split('\r\n').length > args.length) socket.end();
    });
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    for (const line of args) socket.write(`${line}\r\n`);
  });
}

type RedisOp = { at: number; client: string; cmd: string; key: string };

/** MONITOR on the bench's Redis db: snapshot keys only, decoded. */
function monitorRedis() {
  const ops: RedisOp[] = [];
  const socket = net.connect(REDIS_PORT, '127.0.0.1');
  socket.write('MONITOR\r\n');
  let buffer = '';
  const line = /^\+(\d+\.\d+) \[(\d+) ([^\]]+)\] "(\w+)"(?: "([^"]*)")?/;
  socket.on('data', d => {
    buffer += d.toString();
    const lines = buffer.split('\r\n');
    buffer = lines.pop() ?? '';
    for (const l of lines) {
      const m = line.exec(l);
      if (!m || Number(m[2]) !== REDIS_DB || !m[5]?.startsWith('gitops:'))
        continue;
      const key = Buffer.from(
        m[5].slice('gitops:'.length),
        'base64',
      ).toString();
      if (!key.startsWith('gitops:snapshot:')) continue;
      ops.push({
        at: Math.round(Number(m[1]) * 1000),
        client: m[3],
        cmd: m[4].toLowerCase(),
        key: key.replace('gitops:snapshot:v1:', ''),
      });
    }
  });
  socket.on('error', () => undefined);
  return { ops, stop: () => socket.destroy() };
}

/** Which process owns each connection to Redis (client "ip:port" → pid). */
async function redisClients(): Promise<Map<string, number>> {
  const { stdout } = await exec('ss', [
    '-Htnp',
    'state',
    'established',
    `( dport = :${REDIS_PORT} )`,
  ]);
  const map = new Map<string, number>();
  for (const row of stdout.split('\n')) {
    const m = /\s(\S+:\d+)\s+\S+:\d+\s+users:\(\("[^"]+",pid=(\d+)/.exec(row);
    if (m) map.set(m[1].replace(/^\[::ffff:|\]$/g, ''), Number(m[2]));
  }
  return map;
}

// --- processes -------------------------------------------------------------------------------

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
  fs.open(logFile, 'w').then(handle => {
    const stream = handle.createWriteStream();
    child.stdout?.pipe(stream);
    child.stderr?.pipe(stream);
  });
  children.push(child);
  return child;
}

async function portFree(port: number) {
  return new Promise<boolean>(resolve => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function replicaConfig(port: number) {
  // JSON is YAML: the override each replica is started with on top of the production config.
  return JSON.stringify(
    {
      app: { baseUrl: `http://127.0.0.1:${PORTS.proxy}` },
      backend: {
        baseUrl: `http://127.0.0.1:${PORTS.proxy}`,
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
      // Local bench only: guest sign-in under NODE_ENV=production, for the promotions.
      auth: {
        providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
      },
      gitops: { refreshIntervalSeconds: INTERVAL_S },
      catalog: {
        locations: [
          { type: 'file', target: './examples/entities.yaml' },
          {
            type: 'file',
            target: './examples/templates/gitops-service/template.yaml',
            rules: [{ allow: ['Template'] }],
          },
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

async function startReplica(name: 'a' | 'b', fleetConfig: string) {
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
    async () => {
      const health = await request(`${url}/api/gitops/health`);
      if (health.status !== 200) return false;
      const entity = await request(
        `${url}/api/catalog/entities/by-name/component/default/payments-api`,
        { headers: withToken(TOKEN) },
      );
      return entity.status === 200;
    },
    150_000,
    () =>
      child.exitCode === null
        ? undefined
        : `exited (${child.exitCode}), see ${WORK}/replica-${name}.log`,
  );
  const startupMs = Date.now() - started;
  log(
    `replica ${name} up on ${url} (pid ${child.pid}) after ${(
      startupMs / 1000
    ).toFixed(1)} s`,
  );
  return { name, url, child, pid: child.pid!, startupMs };
}

// --- the measurements ------------------------------------------------------------------------

async function main() {
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
  await fs.mkdir(WORK, { recursive: true });
  await redisCommand(`SELECT ${REDIS_DB}`, 'FLUSHDB');
  const result: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores`,
    loadAverageAtStart: os.loadavg().map(round),
    refreshIntervalSeconds: INTERVAL_S,
  };

  // The fleet, as its own process (its CLI), on fixed ports.
  const fleetConfig = path.join(WORK, 'app-config.fleet.yaml');
  spawnLogged(
    'fleet',
    path.join(ROOT, 'packages/fleet-simulator/bin/fleet-simulator'),
    [
      'start',
      '--dir',
      path.join(WORK, 'fleet'),
      '--config-out',
      fleetConfig,
      '--argo-ports',
      PORTS.argo.join(','),
      '--cost-ports',
      PORTS.cost.join(','),
      '--kube-ports',
      PORTS.kube.join(','),
      '--control-port',
      String(PORTS.control),
    ],
  );
  await waitFor(
    'fleet',
    async () => (await fs.stat(fleetConfig)).size > 0,
    60_000,
  );
  log('fleet up');
  const bare = path.join(WORK, 'fleet/gitops.git');

  // One replica after the other, as a rolling deploy: started at once on an empty database,
  // knex's migrations race (see the README).
  const a = await startReplica('a', fleetConfig);
  const b = await startReplica('b', fleetConfig);
  result.startupSeconds = {
    a: round(a.startupMs / 1000),
    b: round(b.startupMs / 1000),
  };
  const replicaOfPid = new Map([
    [a.pid, 'a'],
    [b.pid, 'b'],
  ]);
  const clientMap = new Map<string, string>();
  const mapClients = async () => {
    for (const [client, pid] of await redisClients()) {
      const replica = replicaOfPid.get(pid);
      if (replica) clientMap.set(client, replica);
    }
  };
  await mapClients();
  const monitor = monitorRedis();
  const retrying = await startProxy({
    port: PORTS.proxy,
    targets: [a.url, b.url],
    retry: true,
  });
  const plain = await startProxy({
    port: PORTS.proxyNoRetry,
    targets: [a.url, b.url],
    retry: false,
  });

  // a) Refresh once per interval across both replicas.
  log(
    `a) counting upstream calls for ${
      WINDOW_MS / 1000
    } s with both replicas up`,
  );
  await sleep(1000);
  const aStart = Date.now();
  const before = await counts();
  await sleep(WINDOW_MS);
  const after = await counts();
  const aEnd = Date.now();
  await mapClients();
  const twoReplicas = diffCounts(before, after);
  const writers = (from: number, to: number) => {
    const byKey: Record<string, Record<string, number>> = {};
    for (const op of monitor.ops) {
      if (
        op.cmd !== 'set' ||
        !op.key.endsWith(':meta') ||
        op.at < from ||
        op.at > to
      )
        continue;
      const key = op.key.replace(/:meta$/, '');
      const who = clientMap.get(op.client) ?? op.client;
      byKey[key] ??= {};
      byKey[key][who] = (byKey[key][who] ?? 0) + 1;
    }
    return byKey;
  };
  const expectedPerSource = WINDOW_MS / 1000 / INTERVAL_S;
  result.refresh = {
    windowSeconds: WINDOW_MS / 1000,
    expectedRunsPerSourceForOneReplica: expectedPerSource,
    ...refreshCalls(twoReplicas),
    snapshotWritesByReplica: writers(aStart, aEnd),
    allUpstreamCalls: twoReplicas,
  };
  log(`a) ${JSON.stringify(result.refresh)}`);

  // b) Shared cache: right after one replica's refresh, the other answers with no upstream call.
  log('b) a page view on the other replica right after a refresh');
  const cacheRounds: unknown[] = [];
  for (let i = 0; i < 4; i++) {
    // Alternately a refresh (of any source) by a, read on b, and one by b, read on a.
    const writer = i % 2 ? 'b' : 'a';
    const since = Date.now();
    let source: string | undefined;
    await waitFor(
      `a refresh by replica ${writer}`,
      async () => {
        await mapClients();
        const op = monitor.ops.find(
          o =>
            o.at >= since &&
            o.cmd === 'set' &&
            o.key.endsWith(':meta') &&
            clientMap.get(o.client) === writer,
        );
        source = op?.key.replace(/:meta$/, '');
        return Boolean(source);
      },
      20_000,
    );
    const reader = writer === 'a' ? b : a;
    const c0 = await counts();
    const opsFrom = Date.now();
    const answer = await request(`${reader.url}${OVERVIEW}`, {
      headers: withToken(TOKEN),
    });
    const opsTo = Date.now();
    const c1 = await counts();
    const upstream = diffCounts(c0, c1);
    const reads = monitor.ops.filter(
      o =>
        o.at >= opsFrom - 5 &&
        o.at <= opsTo + 5 &&
        clientMap.get(o.client) === reader.name,
    );
    cacheRounds.push({
      source,
      refreshedBy: writer,
      readBy: reader.name,
      status: answer.status,
      ms: round(answer.ms),
      upstreamCalls: Object.values(upstream).reduce((s, n) => s + n, 0),
      upstream,
      redisReadsOfReader: {
        meta: reads.filter(o => o.key.endsWith(':meta')).length,
        data: reads.filter(o => o.key.endsWith(':data')).length,
      },
    });
    await sleep(500);
  }
  result.sharedCache = cacheRounds;
  log(`b) ${JSON.stringify(cacheRounds)}`);

  // c) Promotions sent to both replicas at once.
  log('c) concurrent promotions through both replicas');
  const guest = JSON.parse(
    (
      await request(`http://127.0.0.1:${PORTS.proxy}/api/auth/guest/refresh`, {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      })
    ).body,
  ).backstageIdentity.token as string;
  for (const ref of ['bench/chores-api', 'bench/schedule-bot']) {
    await waitFor(
      `catalog entity ${ref}`,
      async () =>
        (
          await request(
            `${a.url}/api/catalog/entities/by-name/component/${ref}`,
            { headers: withToken(TOKEN) },
          )
        ).status === 200,
      60_000,
    );
  }
  const head = async () =>
    (await exec('git', ['rev-parse', 'main'], { cwd: bare })).stdout.trim();
  const show = async (file: string) =>
    (await exec('git', ['show', `main:${file}`], { cwd: bare })).stdout;
  const beforeSha = await head();
  const promote = async (replica: typeof a, ref: string) => {
    const answer = await request(
      `${replica.url}/api/gitops/entities/component/${ref}/promotions`,
      {
        method: 'POST',
        headers: withToken(guest),
        body: { from: 'dev', to: 'staging' },
        timeoutMs: 60_000,
      },
    );
    const json = JSON.parse(answer.body || '{}');
    return {
      entity: ref,
      via: replica.name,
      status: answer.status,
      ms: round(answer.ms),
      commitSha: json.commitSha as string | undefined,
      id: json.id as string | undefined,
      error: json.error?.message as string | undefined,
    };
  };
  const promotions = await Promise.all([
    ...Array.from({ length: 6 }, (_, i) =>
      promote(i % 2 ? b : a, 'default/payments-api'),
    ),
    promote(a, 'bench/chores-api'),
    promote(b, 'bench/schedule-bot'),
  ]);
  const history = (
    await exec('git', ['rev-list', '--first-parent', `${beforeSha}..main`], {
      cwd: bare,
    })
  ).stdout
    .trim()
    .split('\n')
    .filter(Boolean);
  const merges = (
    await exec('git', ['rev-list', '--merges', `${beforeSha}..main`], {
      cwd: bare,
    })
  ).stdout.trim();
  const landed = promotions.filter(p => p.status === 201);
  const registry = parseYaml(await show('registry/versions.yaml'));
  const overlayTag = async (service: string) =>
    String(
      parseYaml(
        await show(`apps/${service}/overlays/staging/kustomization.yaml`),
      ).images[0].newTag,
    );
  const files = {
    'apps/payments-api/overlays/staging': await overlayTag('payments-api'),
    'apps/chores-api/overlays/staging': await overlayTag('chores-api'),
    'charts/schedule-bot/values-staging': String(
      parseYaml(await show('charts/schedule-bot/values-staging.yaml')).image
        .tag,
    ),
    'registry payments-api staging': String(
      registry.services['payments-api'].staging.version,
    ),
    'registry chores-api staging': String(
      registry.services['chores-api'].staging.version,
    ),
    'registry schedule-bot staging': String(
      registry.services['schedule-bot'].staging.version,
    ),
  };
  const listedOnOtherReplica = JSON.parse(
    (
      await request(
        `${b.url}/api/gitops/entities/component/default/payments-api/promotions`,
        { headers: withToken(guest) },
      )
    ).body,
  ).items as Array<{ id: string; state: string }>;
  const checks = {
    everyLandedIsItsOwnCommit:
      landed.every(p => p.commitSha && history.includes(p.commitSha)) &&
      history.length === landed.length,
    linearHistory: merges === '',
    oneOfSixContestedLanded:
      landed.filter(p => p.entity === 'default/payments-api').length === 1,
    othersRefusedWithConflict: promotions
      .filter(p => p.status !== 201)
      .every(p => p.status === 409),
    independentLanded: ['bench/chores-api', 'bench/schedule-bot'].every(e =>
      landed.some(p => p.entity === e),
    ),
    noChangeLost:
      files['apps/payments-api/overlays/staging'] === '1.4.0' &&
      files['apps/chores-api/overlays/staging'] === '2.1.0' &&
      files['charts/schedule-bot/values-staging'] === '0.9.0' &&
      files['registry payments-api staging'] === '1.4.0' &&
      files['registry chores-api staging'] === '2.1.0' &&
      files['registry schedule-bot staging'] === '0.9.0',
    sharedDatabase:
      listedOnOtherReplica.filter(p => p.state === 'committed').length === 1 &&
      listedOnOtherReplica.filter(p => p.state === 'failed').length === 5,
  };
  result.promotions = {
    requests: promotions,
    commits: history.length,
    files,
    checks,
  };
  log(`c) ${JSON.stringify(result.promotions)}`);

  // d) Fault run: viewers loop through the proxies; kill -9 replica b halfway.
  log(
    `d) ${VIEWERS} viewers for ${
      LOAD_MS / 1000
    } s (half through the retrying proxy, half through the plain one); kill -9 of replica b at ${
      LOAD_MS / 2000
    } s`,
  );
  type Sample = {
    group: string;
    start: number;
    end: number;
    ok: boolean;
    status: number | string;
  };
  const samples: Sample[] = [];
  const loadStart = Date.now();
  const loadEnd = loadStart + LOAD_MS;
  const viewer = async (group: string, port: number) => {
    while (Date.now() < loadEnd) {
      const start = Date.now();
      try {
        const answer = await request(`http://127.0.0.1:${port}${OVERVIEW}`, {
          headers: withToken(TOKEN),
          timeoutMs: 10_000,
        });
        samples.push({
          group,
          start,
          end: Date.now(),
          ok: answer.status === 200,
          status: answer.status,
        });
      } catch (error) {
        samples.push({
          group,
          start,
          end: Date.now(),
          ok: false,
          status: (error as NodeJS.ErrnoException).code ?? String(error),
        });
      }
    }
  };
  const viewers = Array.from({ length: VIEWERS }, (_, i) =>
    i % 2
      ? viewer('without retry', PORTS.proxyNoRetry)
      : viewer('with retry', PORTS.proxy),
  );
  await sleep(LOAD_MS / 2);
  const killAt = Date.now();
  b.child.kill('SIGKILL');
  const countsAtKill = await counts();
  log('d) replica b killed');
  await Promise.all(viewers);
  const groups = ['with retry', 'without retry'].map(group => {
    const events = (group === 'with retry' ? retrying : plain).events.filter(
      e => e.at >= killAt,
    );
    const markedDown = events.find(
      e => e.target === b.url && !e.what.startsWith('retried'),
    );
    const mine = samples.filter(s => s.group === group);
    const beforeKill = mine.filter(s => s.end < killAt);
    const afterKill = mine.filter(s => s.start >= killAt);
    const failed = mine.filter(s => !s.ok);
    const lastFailure = failed.length
      ? Math.max(...failed.map(s => s.end))
      : undefined;
    const firstOk = afterKill
      .filter(s => s.ok)
      .sort((x, y) => x.end - y.end)[0];
    const statuses: Record<string, number> = {};
    for (const s of failed)
      statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
    return {
      group,
      viewers: VIEWERS / 2,
      requests: mine.length,
      errors: failed.length,
      errorStatuses: statuses,
      errorsWindowMs: failed.length
        ? [Math.min(...failed.map(s => s.end)) - killAt, lastFailure! - killAt]
        : [],
      firstOkAfterKillMs: firstOk ? firstOk.end - killAt : undefined,
      recoveredAfterMs:
        lastFailure !== undefined ? Math.max(0, lastFailure - killAt) : 0,
      replicaMarkedDownAfterMs: markedDown ? markedDown.at - killAt : undefined,
      markedDownBy: markedDown?.what,
      retriedOnTheOtherReplica: events.filter(
        e => e.what === 'retried elsewhere',
      ).length,
      beforeKill: {
        rps: round(beforeKill.length / ((killAt - loadStart) / 1000)),
        p50: round(
          percentile(
            beforeKill.map(s => s.end - s.start),
            50,
          ),
        ),
        p95: round(
          percentile(
            beforeKill.map(s => s.end - s.start),
            95,
          ),
        ),
      },
      afterKill: {
        rps: round(afterKill.length / ((loadEnd - killAt) / 1000)),
        p50: round(
          percentile(
            afterKill.map(s => s.end - s.start),
            50,
          ),
        ),
        p95: round(
          percentile(
            afterKill.map(s => s.end - s.start),
            95,
          ),
        ),
      },
    };
  });
  const proxyEvents = (events: ProxyEvent[]) =>
    events
      .filter(e => e.at >= killAt - 1000)
      .map(e => ({
        atMs: e.at - killAt,
        target: e.target.replace('http://127.0.0.1:', ':'),
        what: e.what,
      }));
  result.fault = {
    killed: 'b',
    groups,
    proxyEvents: {
      'with retry': proxyEvents(retrying.events).slice(0, 40),
      'without retry': proxyEvents(plain.events).slice(0, 40),
    },
  };
  log(`d) ${JSON.stringify(groups)}`);

  // a') The same refresh count with one replica left (the window starts at the kill).
  const rest = WINDOW_MS - (Date.now() - killAt);
  if (rest > 0) await sleep(rest);
  const afterOne = await counts();
  const oneReplica = diffCounts(countsAtKill, afterOne);
  (result.refresh as Record<string, unknown>).afterKillOneReplica = {
    windowSeconds: round((Date.now() - killAt) / 1000),
    ...refreshCalls(oneReplica),
    snapshotWritesByReplica: writers(killAt, Date.now()),
  };
  log(
    `a') ${JSON.stringify(
      (result.refresh as Record<string, unknown>).afterKillOneReplica,
    )}`,
  );
  result.totalSeconds = round((Date.now() - t0) / 1000);
  result.loadAverageAtEnd = os.loadavg().map(round);

  // What the run shows, as pass/fail (the exit code).
  const refreshResult = result.refresh as {
    argoListCalls: Record<string, number>;
    costAllocationCalls: Record<string, number>;
  };
  const retried = groups[0];
  const verdict = {
    'a) each Argo CD list ran at most once per interval (+1) with two replicas':
      Object.values(refreshResult.argoListCalls).every(
        n => n <= expectedPerSource + 1,
      ),
    'a) each cost query (two windows) ran at most once per interval (+1) with two replicas':
      Object.values(refreshResult.costAllocationCalls).every(
        n => n <= 2 * (expectedPerSource + 1),
      ),
    'b) the other replica answered from the shared cache with no upstream call':
      (cacheRounds as Array<{ status: number; upstreamCalls: number }>).every(
        c => c.status === 200 && c.upstreamCalls === 0,
      ),
    ...Object.fromEntries(
      Object.entries(checks).map(([k, v]) => [`c) ${k}`, v]),
    ),
    'd) with retry, no client saw an error when a replica was killed':
      retried.errors === 0 && retried.firstOkAfterKillMs !== undefined,
  };
  result.checks = verdict;

  monitor.stop();
  await retrying.close();
  await plain.close();
  await fs.mkdir(RESULTS, { recursive: true });
  await fs.writeFile(
    path.join(RESULTS, 'replicas.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  await fs.writeFile(path.join(RESULTS, 'replicas.md'), report(result));
  log(`wrote ${path.relative(ROOT, RESULTS)}/replicas.{json,md}`);
  const failedChecks = Object.entries(verdict).filter(([, ok]) => !ok);
  for (const [check, ok] of Object.entries(verdict)) {
    console.log(`${ok ? 'ok    ' : 'FAILED'} ${check}`);
  }
  if (failedChecks.length) process.exitCode = 1;
}

function report(r: Record<string, any>): string {
  const refresh = r.refresh;
  const one = refresh.afterKillOneReplica;
  const lines = [
    '# Two replicas on PostgreSQL + Redis',
    '',
    `\`bench/replicas/run.sh\`, ${r.date}, ${r.machine}; ${r.totalSeconds} s in all. Two processes of`,
    '`packages/backend` (NODE_ENV=production, `app-config.production.yaml`) behind a round-robin proxy',
    `on loopback, on the simulated fleet; refresh interval ${r.refreshIntervalSeconds} s. Start-up: replica a`,
    `${r.startupSeconds.a} s, replica b ${r.startupSeconds.b} s (one after the other). Load average`,
    `${r.loadAverageAtStart.join(
      ' / ',
    )} at the start, ${r.loadAverageAtEnd.join(
      ' / ',
    )} at the end (other work on the`,
    'machine shows in the latencies; the checks do not depend on it).',
    '',
    '## Checks',
    '',
    ...Object.entries(r.checks as Record<string, boolean>).map(
      ([k, v]) => `- ${v ? 'ok' : '**FAILED**'}: ${k}`,
    ),
    '',
    `## a) The snapshot refresh runs once per interval across both replicas`,
    '',
    `Upstream list calls in ${refresh.windowSeconds} s; one replica alone refreshes each source`,
    `${refresh.expectedRunsPerSourceForOneReplica}× in that time (±1), two replicas refreshing on their own would double it.`,
    '',
    '| source | both replicas up | after the kill, one replica |',
    '| --- | --- | --- |',
    ...Object.keys(refresh.argoListCalls).map(
      k =>
        `| Argo CD \`${k}\` list | ${refresh.argoListCalls[k]} | ${
          one?.argoListCalls[k] ?? '-'
        } (${one?.windowSeconds ?? '-'} s) |`,
    ),
    ...Object.keys(refresh.costAllocationCalls).map(
      k =>
        `| cost \`${k}\` allocation | ${refresh.costAllocationCalls[k]} | ${
          one?.costAllocationCalls[k] ?? '-'
        } |`,
    ),
    '',
    'Who ran the refreshes (snapshot writes to Redis per replica, from Redis MONITOR):',
    '',
    ...Object.entries(
      refresh.snapshotWritesByReplica as Record<string, Record<string, number>>,
    ).map(
      ([k, v]) =>
        `- ${k}: ${Object.entries(v)
          .map(([who, n]) => `${who} ${n}×`)
          .join(', ')}`,
    ),
    '',
    '## b) The cache is shared',
    '',
    'Right after a scheduled refresh written by one replica, a page view (overview of payments-api)',
    'on the other one:',
    '',
    '| source refreshed | by | read by | status | ms | upstream calls | Redis reads (meta / data) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...(r.sharedCache as any[]).map(
      c =>
        `| ${c.source} | ${c.refreshedBy} | ${c.readBy} | ${c.status} | ${c.ms} | ${c.upstreamCalls} | ${c.redisReadsOfReader.meta} / ${c.redisReadsOfReader.data} |`,
    ),
    '',
    '## c) Promotions on different replicas never interleave',
    '',
    'At once: six promotions of payments-api dev → staging (three through each replica) and one each',
    'of two other services (bench fixtures), as the guest user.',
    '',
    '| entity | via | status | ms | commit / refusal |',
    '| --- | --- | --- | --- | --- |',
    ...(r.promotions.requests as any[]).map(
      p =>
        `| ${p.entity} | ${p.via} | ${p.status} | ${p.ms} | ${
          p.commitSha ? p.commitSha.slice(0, 10) : p.error ?? ''
        } |`,
    ),
    '',
    `New commits on main: ${
      r.promotions.commits
    }. Files at the end: ${Object.entries(r.promotions.files)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ')}.`,
    '',
    '## d) Fault run: kill -9 of one replica under load',
    '',
    `${r.fault.groups[0].viewers * 2} viewers looping GET overview for ${
      LOAD_MS / 1000
    } s, half through the retrying`,
    'proxy, half through the same proxy without retry; replica b killed (SIGKILL) halfway.',
    '',
    '| proxy | requests | errors | errors (ms after kill) | b marked down | retried on a | first OK after kill | recovered after | p50 / p95 before (ms) | p50 / p95 after (ms) | req/s before / after |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...(r.fault.groups as any[]).map(
      g =>
        `| ${g.group} | ${g.requests} | ${g.errors}${
          g.errors
            ? ` (${Object.entries(g.errorStatuses)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ')})`
            : ''
        } | ${
          g.errorsWindowMs.length
            ? `${g.errorsWindowMs[0]} – ${g.errorsWindowMs[1]}`
            : '-'
        } | ${g.replicaMarkedDownAfterMs ?? '-'} ms (${
          g.markedDownBy ?? '-'
        }) | ${g.retriedOnTheOtherReplica} | ${g.firstOkAfterKillMs} ms | ${
          g.recoveredAfterMs
        } ms | ${g.beforeKill.p50} / ${g.beforeKill.p95} | ${
          g.afterKill.p50
        } / ${g.afterKill.p95} | ${g.beforeKill.rps} / ${g.afterKill.rps} |`,
    ),
    '',
    '"recovered after": from the kill to the end of the last failed request; "first OK after kill":',
    'the first successful answer to a request sent after the kill.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

main()
  .catch(error => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGTERM');
    }
    await sleep(1500);
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGKILL');
    }
    agent.destroy();
  });
