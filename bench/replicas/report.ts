/** bench/results/replicas.md from the run's result (the JSON beside it). */
import type { RedisContents } from './redis';
import type { UpstreamCalls } from './upstreamCounts';
import type { FirstTabView, Phase } from './upstreamPerReplica';

const kb = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;

const callsCells = (c: UpstreamCalls) =>
  `${c.argoLists} | ${c.argoStreams} | ${c.argoOther} | ${c.cost} | ${c.kube}`;

function upstreamSection(r: Record<string, any>) {
  const phases = r.upstream.phases as Phase[];
  const one = r.fault.afterKillOneReplica as {
    seconds: number;
    calls: UpstreamCalls;
  };
  return [
    '## a) Upstream calls grow with replicas, not with replicas × viewers',
    '',
    'Counted by the fleet (`/control/counts`). Each replica runs its own informers: one full list',
    'per Argo CD instance when it starts, then the application stream (one per instance, held',
    'open); Velero objects by list + watch per cluster; cost totals hourly. Its views are computed',
    'from its own store, so page views cause no upstream call.',
    '',
    '| phase | replicas | viewers | s | page views | Argo CD lists | streams opened | other Argo CD | cost | Kubernetes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...phases.map(
      p =>
        `| ${p.phase} | ${p.replicas} | ${p.viewers} | ${p.seconds} | ${
          p.pageViews ?? '–'
        }${p.failedViews ? ` (${p.failedViews} failed)` : ''} | ${callsCells(
          p.calls,
        )} |`,
    ),
    `| after the kill of b: a alone, its share of the load included | 1 | ${
      r.fault.groups[0].viewers * 2
    } | ${one.seconds} | – | ${callsCells(one.calls)} |`,
    '',
    `Memory (RSS after the viewers): a ${r.upstream.rssMb.a} MB, b ${r.upstream.rssMb.b} MB; ` +
      `the store's share of a backend is measured by the scale curve ([scale.md](scale.md)). ` +
      `The viewers' page p95 (overview pages and GitOps tabs, through the proxy): ${
        phases.find(p => p.viewers > 0)?.p95Ms ?? '–'
      } ms.`,
    '',
  ];
}

function sharedSection(r: Record<string, any>) {
  const views = r.upstream.firstTabViews as FirstTabView[];
  const redis = r.redis as RedisContents;
  return [
    '## b) What the replicas share: Redis holds no fleet state',
    '',
    "The first GitOps tab view of payments-api on each replica (five requests), right after it started (b's came after a's):",
    '',
    '| replica | statuses | Argo CD calls | of them revision metadata | cost API calls |',
    '| --- | --- | ---: | ---: | ---: |',
    ...views.map(
      v =>
        `| ${v.replica} | ${v.statuses.join(', ')} | ${v.calls.argoOther} | ${
          v.calls.argoRevisionMetadata
        } | ${v.calls.cost} |`,
    ),
    '',
    "Revision metadata (once per commit) and the cost trends are in Redis, shared: b asked for none of them. Its other Argo CD calls are each application's history and resource tree, read once per application into b's own memory.",
    '',
    `Redis at the end of the run: ${redis.keys} keys, ${kb(
      redis.totalBytes,
    )} in all; the largest value ${
      redis.largest[0] ? kb(redis.largest[0].bytes) : '–'
    } (limit for the check: ${kb(r.redisValueLimit)}).`,
    '',
    '| kind of key | keys | bytes | largest |',
    '| --- | ---: | ---: | ---: |',
    ...Object.entries(redis.byKind).map(
      ([k, v]) =>
        `| \`${k}\` | ${v.keys} | ${kb(v.bytes)} | ${kb(v.largest)} |`,
    ),
    '',
  ];
}

function promotionsSection(r: Record<string, any>) {
  return [
    '## c) Promotions on different replicas never interleave',
    '',
    'At once: six promotions of payments-api dev → staging (three through each replica) and one each',
    'of two other services (bench fixtures), as the guest user. The lock of an entity + environment',
    'is a row in the shared PostgreSQL database.',
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
  ];
}

function faultSection(r: Record<string, any>) {
  return [
    '## d) Fault run: kill -9 of one replica under load',
    '',
    `${r.fault.groups[0].viewers * 2} viewers looping GET overview for ${
      r.loadSeconds
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
}

export function replicasMarkdown(r: Record<string, any>): string {
  const lines = [
    '# Two replicas on PostgreSQL + Redis',
    '',
    '`bench/replicas/run.sh` reproduces this table (about 3 minutes).',
    '',
    `Measured ${r.date}, ${r.machine}; ${r.totalSeconds} s in all. Two processes of`,
    '`packages/backend` (NODE_ENV=production, `app-config.production.yaml`) behind a round-robin proxy',
    `on loopback, on the simulated fleet (2 Argo CD instances × ${r.appsPerInstance} filler applications,`,
    "Argo CD's periodic reconciliation off so that the calls counted are the replicas' own). Start-up:",
    `replica a ${r.startupSeconds.a} s, replica b ${r.startupSeconds.b} s (one after the other). Load average`,
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
    ...upstreamSection(r),
    ...sharedSection(r),
    ...promotionsSection(r),
    ...faultSection(r),
  ];
  return `${lines.join('\n')}\n`;
}
