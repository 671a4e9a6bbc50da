import type { RunningBackend } from './backends';
import type { BenchEntity } from './entities';
import { argoFetch, type RunningFleet } from './fleet';
import { summarize, type LatencySummary } from './load';
import { sleep } from './proc';

type Overview = {
  environments: Array<{
    applications: Array<{ name: string; operation?: unknown }>;
  }>;
};

export interface PropagationResult {
  samples: number;
  /** From sending the sync to Argo CD until our overview showed the new operation. */
  toOverviewMs: LatencySummary;
  /**
   * From sending the sync until an open page has it: the entity's Signals message arrived on
   * the page's websocket and the overview it then asks for shows the operation (what the
   * frontend's `useLiveEntityQuery` does).
   */
  toPageMs?: LatencySummary;
  /** Syncs whose signal did not arrive within the timeout. */
  missedSignals?: number;
  /** How long the simulated Argo CD took to answer the sync itself (part of the above). */
  syncAnswerMs: LatencySummary;
  pollMs: number;
  errors: string[];
}

/**
 * An open page's Signals connection (what `@backstage/plugin-signals`'s client does): a
 * websocket to `/api/signals` with the user's token as its protocol, `subscribe` per channel;
 * `next(channel)` resolves at the channel's next message.
 */
async function signalsConnection(baseUrl: string, token: string) {
  const ws = new WebSocket(
    `${baseUrl.replace(/^http/, 'ws')}/api/signals`,
    token,
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error('signals: the websocket did not open in 5 s'));
    }, 5000);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve();
    };
    ws.onerror = () => {
      clearTimeout(timer);
      reject(new Error('signals: websocket failed'));
    };
  });
  const waiting = new Map<string, () => void>();
  ws.onmessage = m => {
    try {
      const json = JSON.parse(String(m.data)) as { channel?: string };
      if (json.channel) waiting.get(json.channel)?.();
    } catch {
      // not a signal
    }
  };
  return {
    subscribe(channel: string) {
      ws.send(JSON.stringify({ action: 'subscribe', channel }));
    },
    next(channel: string, timeoutMs: number) {
      return new Promise<boolean>(resolve => {
        const timer = setTimeout(() => {
          waiting.delete(channel);
          resolve(false);
        }, timeoutMs);
        waiting.set(channel, () => {
          clearTimeout(timer);
          waiting.delete(channel);
          resolve(true);
        });
      });
    },
    close: () => ws.close(),
  };
}

/**
 * How long a change upstream takes to reach our store: a sync is triggered through the
 * simulated Argo CD's API (`POST /api/v1/applications/<app>/sync`, one application per sample,
 * never one with an operation running), then our overview of its entity is asked every
 * `pollMs` (with If-None-Match, so an unchanged view costs a 304) until the application shows an
 * operation it did not show before. Resolution: `pollMs`. Meanwhile an open page of the entity
 * (a Signals websocket subscribed to its channel) times the signal and the overview it then reads:
 * change → page.
 */
export async function measurePropagation(options: {
  backend: RunningBackend;
  fleet: RunningFleet;
  entities: BenchEntity[];
  samples?: number;
  pollMs?: number;
  timeoutMs?: number;
}): Promise<PropagationResult> {
  const { backend, fleet } = options;
  const pollMs = options.pollMs ?? 10;
  const count = Math.min(options.samples ?? 20, options.entities.length);
  const toOverview: number[] = [];
  const syncAnswer: number[] = [];
  const errors: string[] = [];
  const auth = { authorization: `Bearer ${backend.token}` };
  const toPage: number[] = [];
  const missed: string[] = [];
  let signals: Awaited<ReturnType<typeof signalsConnection>> | undefined;
  for (let attempt = 1; attempt <= 3 && !signals; attempt++) {
    signals = await signalsConnection(backend.baseUrl, backend.token).catch(
      e => {
        if (attempt === 3) errors.push(String(e));
        return undefined;
      },
    );
  }

  const sample = async (entity: BenchEntity) => {
    const appName = `${entity.name}-${entity.environments[0]}`;
    const argo = fleet.argo.find(a => a.name === entity.instance);
    const url = `${backend.baseUrl}/api/gitops/entities/component/default/${entity.name}/overview`;
    const read = async (etag?: string) => {
      const res = await fetch(url, {
        headers: { ...auth, ...(etag ? { 'if-none-match': etag } : {}) },
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status === 304) return { etag };
      const body = (await res.json()) as Overview;
      const app = body.environments
        .flatMap(e => e.applications)
        .find(a => a.name === appName);
      return {
        etag: res.headers.get('etag') ?? undefined,
        operation: JSON.stringify(app?.operation ?? null),
      };
    };
    const before = await read();
    if (!argo) {
      errors.push(`${entity.name}: no instance ${entity.instance}`);
      return;
    }
    const channel = `gitops:component:default/${entity.name}`;
    signals?.subscribe(channel);
    await sleep(50);
    const t0 = performance.now();
    // The open page: at the signal, it reads the overview (until it shows the change: a signal
    // of an earlier change of the entity does not count).
    const page = (async () => {
      if (!signals) return;
      const deadline = t0 + (options.timeoutMs ?? 10_000);
      while (performance.now() < deadline) {
        const got = await signals.next(channel, deadline - performance.now());
        if (!got) break;
        const now = await read().catch(() => undefined);
        if (
          now?.operation !== undefined &&
          now.operation !== before.operation
        ) {
          toPage.push(performance.now() - t0);
          return;
        }
      }
      missed.push(entity.name);
    })();
    const sync = await argoFetch(
      argo,
      `${argo.url}/api/v1/applications/${encodeURIComponent(appName)}/sync`,
      {
        signal: AbortSignal.timeout(10_000),
        method: 'POST',
        headers: {
          authorization: `Bearer ${argo.token}`,
          'content-type': 'application/json',
        },
        body: '{}',
      },
    );
    syncAnswer.push(performance.now() - t0);
    if (!sync.ok) {
      errors.push(`${appName}: sync HTTP ${sync.status}`);
      return;
    }
    const deadline = t0 + (options.timeoutMs ?? 10_000);
    let etag = before.etag;
    let seen = false;
    while (performance.now() < deadline) {
      const now = await read(etag);
      etag = now.etag;
      if (now.operation !== undefined && now.operation !== before.operation) {
        seen = true;
        break;
      }
      await sleep(pollMs);
    }
    if (seen) toOverview.push(performance.now() - t0);
    await page;
    if (!seen)
      errors.push(
        `${appName}: not in the overview after ${
          options.timeoutMs ?? 10_000
        } ms`,
      );
    await sleep(100);
  };
  for (const entity of options.entities.slice(0, count)) {
    await sample(entity).catch(e =>
      errors.push(`${entity.name}: ${String((e as Error).message ?? e)}`),
    );
  }
  signals?.close();
  return {
    samples: toOverview.length,
    toOverviewMs: summarize(toOverview),
    ...(signals
      ? { toPageMs: summarize(toPage), missedSignals: missed.length }
      : {}),
    syncAnswerMs: summarize(syncAnswer),
    pollMs,
    errors,
  };
}
