/* eslint-disable no-console */
/*
 * Two replicas of the real backend (packages/backend, production config: PostgreSQL + Redis)
 * behind a round-robin proxy, on the simulated fleet. Run through bench/replicas/run.sh, which
 * starts PostgreSQL and Redis and passes their coordinates in the environment. Measures:
 *   a) upstream calls per replica, idle and with viewers: each replica's informers list every
 *      Argo CD instance once at start, then stream; views cause none (upstreamPerReplica.ts)
 *   b) what is shared through Redis (revision metadata, cost trends) and that Redis holds no
 *      whole-instance value (upstreamPerReplica.ts, redis.ts)
 *   c) promotions sent to both replicas at once never interleave (promotionsRun.ts)
 *   d) kill -9 of one replica under load: errors seen by clients, recovery (killRun.ts)
 * and writes bench/results/replicas.{json,md} (report.ts).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { agent, log, request, round, secondsSinceStart } from './http';
import { killUnderLoad } from './killRun';
import { assertPortsFree, startFleet, stopChildren } from './processes';
import { concurrentPromotions } from './promotionsRun';
import { startProxy } from './proxy';
import { flushBenchDb, redisContents } from './redis';
import { replicasMarkdown } from './report';
import {
  APPS_PER_INSTANCE,
  LOAD_MS,
  PORTS,
  PROXY,
  REDIS_VALUE_LIMIT,
  RESULTS,
  ROOT,
  WORK,
} from './settings';
import { upstreamPerReplica } from './upstreamPerReplica';

async function guestToken() {
  const answer = await request(`${PROXY}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  return JSON.parse(answer.body).backstageIdentity.token as string;
}

async function main() {
  await assertPortsFree();
  await fs.mkdir(WORK, { recursive: true });
  await flushBenchDb();
  const result: Record<string, any> = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores`,
    loadAverageAtStart: os.loadavg().map(round),
    appsPerInstance: APPS_PER_INSTANCE,
    loadSeconds: LOAD_MS / 1000,
    redisValueLimit: REDIS_VALUE_LIMIT,
  };
  const fleet = await startFleet();
  const proxyOf = (port: number, retry: boolean) =>
    startProxy({
      port,
      targets: [`http://127.0.0.1:${PORTS.a}`, `http://127.0.0.1:${PORTS.b}`],
      retry,
    });
  const retrying = await proxyOf(PORTS.proxy, true);
  const plain = await proxyOf(PORTS.proxyNoRetry, false);
  try {
    // a) and b)
    const up = await upstreamPerReplica({
      fleetConfig: fleet.configOut,
      guestToken,
    });
    const { a, b, token } = up;
    result.startupSeconds = {
      a: round(a.startupMs / 1000),
      b: round(b.startupMs / 1000),
    };
    result.upstream = {
      phases: up.phases,
      firstTabViews: up.firstTabViews,
      warmUpCalls: up.warmUpCalls,
      rssMb: up.rssMb,
    };

    // c)
    log('c) concurrent promotions through both replicas');
    result.promotions = await concurrentPromotions({
      a,
      b,
      guest: token,
      bareRepo: fleet.bareRepo,
    });
    log(`c) ${JSON.stringify(result.promotions.checks)}`);

    // d)
    result.fault = await killUnderLoad({
      b,
      token,
      proxies: { retrying, plain },
    });
    result.redis = await redisContents();
    log(`b) Redis: ${JSON.stringify(result.redis)}`);
  } finally {
    await retrying.close();
    await plain.close();
  }
  result.totalSeconds = secondsSinceStart();
  result.loadAverageAtEnd = os.loadavg().map(round);
  result.checks = verdict(result);

  await fs.mkdir(RESULTS, { recursive: true });
  await fs.writeFile(
    path.join(RESULTS, 'replicas.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  await fs.writeFile(
    path.join(RESULTS, 'replicas.md'),
    replicasMarkdown(result),
  );
  log(`wrote ${path.relative(ROOT, RESULTS)}/replicas.{json,md}`);
  for (const [check, ok] of Object.entries(result.checks)) {
    console.log(`${ok ? 'ok    ' : 'FAILED'} ${check}`);
  }
  if (Object.values(result.checks).some(ok => !ok)) process.exitCode = 1;
}

/** What the run shows, as pass/fail (the exit code). */
function verdict(r: Record<string, any>): Record<string, boolean> {
  const phases = r.upstream.phases as Array<{
    kind: 'start' | 'idle' | 'viewers';
    failedViews?: number;
    calls: Record<string, number>;
  }>;
  const starts = phases.filter(p => p.kind === 'start');
  const loaded = phases.find(p => p.kind === 'viewers')!;
  const idle = phases.filter(p => p.kind === 'idle');
  const [onA, onB] = r.upstream.firstTabViews as Array<{
    calls: Record<string, number>;
  }>;
  const one = r.fault.afterKillOneReplica.calls;
  const retried = r.fault.groups[0];
  return {
    'a) each replica listed each of the 2 Argo CD instances once at start and opened its streams':
      starts.every(p => p.calls.argoLists === 2 && p.calls.argoStreams >= 2),
    'a) no Argo CD call, list or stream while idle or under viewers (steady state)':
      [...idle, loaded].every(
        p => p.calls.argoLists + p.calls.argoStreams + p.calls.argoOther === 0,
      ),
    'a) the viewers saw no failed view': loaded.failedViews === 0,
    'a) after the kill, the replica left made no list and no Argo CD call (it took nothing over)':
      one.argoLists + one.argoStreams + one.argoOther === 0,
    'b) the first tab view on b asked for no revision metadata and no cost trend (shared Redis)':
      onA.calls.argoRevisionMetadata > 0 &&
      onB.calls.argoRevisionMetadata === 0 &&
      onB.calls.cost === 0,
    [`b) no value in Redis is larger than ${
      REDIS_VALUE_LIMIT / 1024
    } KB (no whole-instance values)`]:
      (r.redis.largest[0]?.bytes ?? 0) <= REDIS_VALUE_LIMIT,
    ...Object.fromEntries(
      Object.entries(r.promotions.checks as Record<string, boolean>).map(
        ([k, v]) => [`c) ${k}`, v],
      ),
    ),
    'd) with retry, no client saw an error when a replica was killed':
      retried.errors === 0 && retried.firstOkAfterKillMs !== undefined,
  };
}

main()
  .catch(error => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopChildren();
    agent.destroy();
  });
