/**
 * a) Upstream calls per replica, with and without viewers. Each replica runs its own informers:
 *    a list of every Argo CD instance at start, then the stream; its views are computed from its
 *    own store. So upstream calls grow with the replicas (a list per instance at start and per
 *    resync, one stream each), never with replicas × viewers.
 * b) What the replicas share through Redis (revision metadata per commit, the cost trends):
 *    the first tab view of an entity on replica b after a's asks Argo CD for no revision
 *    metadata and the cost API for no trend.
 */
import { log, sleep } from './http';
import { primeStreams } from './primeStreams';
import { rssMb, startReplica, type Replica } from './processes';
import { PROXY, VIEWERS, WINDOW_MS } from './settings';
import { countDuring, type UpstreamCalls } from './upstreamCounts';
import { tabView, viewersLoop, warmTabs } from './viewers';

export interface Phase {
  phase: string;
  kind: 'start' | 'idle' | 'viewers';
  replicas: number;
  viewers: number;
  seconds: number;
  pageViews?: number;
  failedViews?: number;
  viewsPerSecond?: number;
  p95Ms?: number;
  calls: UpstreamCalls;
}

export interface FirstTabView {
  replica: string;
  statuses: number[];
  calls: UpstreamCalls;
}

const summary = (c: UpstreamCalls) =>
  `lists ${c.argoLists}, streams ${c.argoStreams}, other Argo CD ${c.argoOther} (revision metadata ${c.argoRevisionMetadata}), cost ${c.cost}, kube ${c.kube}`;

export async function upstreamPerReplica(options: {
  fleetConfig: string;
  guestToken: () => Promise<string>;
}) {
  const phases: Phase[] = [];
  const firstTabViews: FirstTabView[] = [];
  const idle = async (phase: string, replicas: number) => {
    const { calls } = await countDuring(() => sleep(WINDOW_MS));
    phases.push({
      phase,
      kind: 'idle',
      replicas,
      viewers: 0,
      seconds: WINDOW_MS / 1000,
      calls,
    });
    log(`a) ${phase}: ${summary(calls)}`);
  };
  const startCounted = async (name: 'a' | 'b') => {
    const t0 = Date.now();
    const { result, calls } = await countDuring(() =>
      startReplica(name, options.fleetConfig),
    );
    phases.push({
      phase: `replica ${name} starts (until every source of its overview is ok)`,
      kind: 'start',
      replicas: name === 'a' ? 1 : 2,
      viewers: 0,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
      calls,
    });
    log(`a) replica ${name} start: ${summary(calls)}`);
    await primeStreams(options.fleetConfig);
    return result;
  };
  const firstTab = async (replica: Replica, token: string) => {
    const { result, calls } = await countDuring(() =>
      tabView(replica.url, token, 'default/payments-api'),
    );
    firstTabViews.push({ replica: replica.name, statuses: result, calls });
    log(
      `b) first tab view of payments-api on ${replica.name}: ${summary(calls)}`,
    );
  };

  // One after the other, as a rolling deploy: started at once on an empty database, knex's
  // migrations race (see bench/replicas/README.md).
  const a = await startCounted('a');
  const token = await options.guestToken();
  await sleep(2000);
  await idle('replica a alone, idle', 1);
  await firstTab(a, token);
  const b = await startCounted('b');
  await sleep(2000);
  await firstTab(b, token);

  // Every viewed entity's tab a few times on each replica: the once-per-application reads
  // (histories, resource trees) are in, on each replica.
  const warm = await countDuring(async () => {
    await warmTabs(a.url, token);
    await warmTabs(b.url, token);
  });
  log(`a) warm-up of both replicas: ${summary(warm.calls)}`);
  await idle('both replicas, idle', 2);
  const loaded = await countDuring(() =>
    viewersLoop({ base: PROXY, token, viewers: VIEWERS, ms: WINDOW_MS }),
  );
  phases.push({
    phase: `both replicas, ${VIEWERS} viewers through the proxy (overview pages and GitOps tabs)`,
    kind: 'viewers',
    replicas: 2,
    viewers: VIEWERS,
    seconds: WINDOW_MS / 1000,
    pageViews: loaded.result.views,
    failedViews: loaded.result.failed,
    viewsPerSecond: loaded.result.viewsPerSecond,
    p95Ms: loaded.result.p95,
    calls: loaded.calls,
  });
  log(
    `a) ${VIEWERS} viewers: ${loaded.result.views} views (${
      loaded.result.failed
    } failed): ${summary(loaded.calls)}`,
  );
  const memory = { a: await rssMb(a.pid), b: await rssMb(b.pid) };
  log(`a) RSS: a ${memory.a} MB, b ${memory.b} MB`);
  return {
    a,
    b,
    token,
    phases,
    firstTabViews,
    warmUpCalls: warm.calls,
    rssMb: memory,
  };
}
