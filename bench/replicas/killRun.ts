/**
 * d) kill -9 of one replica under load: viewers loop the overview through the proxies, half
 *    through the retrying one, half through the same proxy without retry; replica b gets
 *    SIGKILL halfway. Then the upstream calls of the one replica left (it takes nothing over:
 *    every replica runs its own informers all along).
 */
import { log, percentile, request, round, sleep, withToken } from './http';
import type { Replica } from './processes';
import type { ProxyEvent } from './proxy';
import { LOAD_MS, OVERVIEW, PORTS, VIEWERS, WINDOW_MS } from './settings';
import { counts, diffCounts, upstreamCalls } from './upstreamCounts';

type Sample = {
  group: string;
  start: number;
  end: number;
  ok: boolean;
  status: number | string;
};

const latency = (samples: Sample[], p: number) =>
  round(
    percentile(
      samples.map(s => s.end - s.start),
      p,
    ),
  );

export async function killUnderLoad(options: {
  b: Replica;
  token: string;
  proxies: {
    retrying: { events: ProxyEvent[] };
    plain: { events: ProxyEvent[] };
  };
}) {
  const { b, token, proxies } = options;
  log(
    `d) ${VIEWERS} viewers for ${
      LOAD_MS / 1000
    } s (half through the retrying proxy, half through the plain one); kill -9 of replica b at ${
      LOAD_MS / 2000
    } s`,
  );
  const samples: Sample[] = [];
  const loadStart = Date.now();
  const loadEnd = loadStart + LOAD_MS;
  const viewer = async (group: string, port: number) => {
    while (Date.now() < loadEnd) {
      const start = Date.now();
      try {
        const answer = await request(`http://127.0.0.1:${port}${OVERVIEW}`, {
          headers: withToken(token),
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
    const events = (
      group === 'with retry' ? proxies.retrying : proxies.plain
    ).events.filter(e => e.at >= killAt);
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
        p50: latency(beforeKill, 50),
        p95: latency(beforeKill, 95),
      },
      afterKill: {
        rps: round(afterKill.length / ((loadEnd - killAt) / 1000)),
        p50: latency(afterKill, 50),
        p95: latency(afterKill, 95),
      },
    };
  });
  log(`d) ${JSON.stringify(groups)}`);
  const proxyEvents = (events: ProxyEvent[]) =>
    events
      .filter(e => e.at >= killAt - 1000)
      .slice(0, 40)
      .map(e => ({
        atMs: e.at - killAt,
        target: e.target.replace('http://127.0.0.1:', ':'),
        what: e.what,
      }));

  // The upstream calls with one replica left, over a window from the kill (its load included).
  const rest = WINDOW_MS - (Date.now() - killAt);
  if (rest > 0) await sleep(rest);
  const oneReplica = {
    seconds: round((Date.now() - killAt) / 1000),
    calls: upstreamCalls(diffCounts(countsAtKill, await counts())),
  };
  log(`d) after the kill, one replica: ${JSON.stringify(oneReplica.calls)}`);
  return {
    killed: 'b',
    groups,
    proxyEvents: {
      'with retry': proxyEvents(proxies.retrying.events),
      'without retry': proxyEvents(proxies.plain.events),
    },
    afterKillOneReplica: oneReplica,
  };
}
