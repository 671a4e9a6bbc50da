/**
 * What bench/replicas/run.sh passes in the environment, the ports, and the bench's knobs
 * (environment variables, for a shorter or longer run).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run bench/replicas/run.sh)`);
  return value;
};
const num = (name: string, fallback: number) =>
  Number(process.env[name] ?? fallback);

export const ROOT = env('GITOPS_ROOT');
export const WORK = env('BENCH_WORK');
export const RESULTS =
  process.env.BENCH_RESULTS ?? path.join(ROOT, 'bench/results');
export const REDIS_PORT = Number(env('GITOPS_REDIS_PORT'));
export const REDIS_DB = Number(env('BENCH_REDIS_DB'));
export const DB_PREFIX = env('BENCH_DB_PREFIX');

const BASE = num('BENCH_PORT_BASE', 7100);
export const PORTS = {
  proxy: BASE,
  a: BASE + 1,
  b: BASE + 2,
  proxyNoRetry: BASE + 3,
  argo: [BASE + 91, BASE + 92],
  cost: [BASE + 93, BASE + 94],
  kube: [BASE + 95, BASE + 96],
  control: BASE + 99,
};
export const PROXY = `http://127.0.0.1:${PORTS.proxy}`;
export const CONTROL = `http://127.0.0.1:${PORTS.control}`;

/** Filler applications per Argo CD instance (besides the fixture services). */
export const APPS_PER_INSTANCE = num('BENCH_APPS_PER_INSTANCE', 1000);
/** Each counting window of the upstream-calls measurement. */
export const WINDOW_MS = num('BENCH_WINDOW_MS', 20_000);
/** The kill -9 run's length; replica b is killed halfway. */
export const LOAD_MS = num('BENCH_LOAD_MS', 20_000);
export const VIEWERS = num('BENCH_VIEWERS', 20);
/** A value in Redis larger than this would be a whole-instance value (bytes). */
export const REDIS_VALUE_LIMIT = num('BENCH_REDIS_VALUE_LIMIT', 64 * 1024);

/** The static token of the bench's readiness checks (`backend.auth.externalAccess`). */
export const TOKEN = `bench-replicas-${randomUUID()}`;

export const ENTITY = '/api/gitops/entities/component/default/payments-api';
export const OVERVIEW = `${ENTITY}/overview`;
/** The requests of one GitOps tab view of ours (bench/src/lib/pages.ts, oursTabPage). */
export const TAB_ROUTES = [
  'overview',
  'history',
  'resources',
  'promotions',
  'cost-trend?window=7d',
];
/** The fixture services the viewers look at (examples/entities.yaml). */
export const VIEWED_ENTITIES = [
  'default/payments-api',
  'default/chores-api',
  'default/schedule-bot',
  'default/status-page',
];
