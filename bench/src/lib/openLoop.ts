import type { BenchEntity } from './entities';
import {
  browserContext,
  sampleSink,
  type LevelSamples,
  type PageModel,
} from './load';

/**
 * An open loop: page views started at a fixed rate whatever the answers do, spread over
 * `browsers` browsers (6 kept-alive connections each, as a browser has). A page view's latency
 * counts from the moment it was due, so when the backend falls behind, the queue (in the
 * browsers' connection pools or in the backend) shows up as latency instead of as a lower rate,
 * which is what a closed loop would show.
 */
export async function runOpenLoop(options: {
  baseUrl: string;
  token: string;
  ratePerSecond: number;
  /** Stops after this long, or when `until` answers true (checked every tick). */
  durationMs: number;
  until?: () => boolean;
  entities: BenchEntity[];
  page: PageModel;
  browsers?: number;
  browserCache?: boolean;
  timeoutMs?: number;
  graceMs?: number;
}): Promise<LevelSamples> {
  const sink = sampleSink();
  const { samples } = sink;
  const browsers = Array.from({ length: options.browsers ?? 50 }, () =>
    browserContext({
      baseUrl: options.baseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs,
      onSample: s => sink.onRequest(s),
      cache: options.browserCache,
    }),
  );
  const started = performance.now();
  const startedAt = Date.now();
  const intervalMs = 1000 / options.ratePerSecond;
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let sendingMs = 0;

  const view = (index: number, dueAt: number) => {
    const browser = browsers[index % browsers.length];
    const entity = options.entities[index % options.entities.length];
    const due = started + (dueAt - startedAt);
    const p = (async () => {
      let failed = false;
      try {
        await options.page.load(
          browser.context(index < browsers.length),
          entity,
        );
      } catch {
        failed = true;
      }
      if (sink.abandoned) {
        samples.unfinishedPageViews++;
        return;
      }
      sink.onPage({ at: dueAt, ms: performance.now() - due, failed });
    })();
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  await new Promise<void>(resolve => {
    // A 1 ms tick sends every view that is due by now (timers are coarse; the due time is exact).
    const tick = setInterval(() => {
      const elapsed = performance.now() - started;
      if (elapsed >= options.durationMs || options.until?.()) {
        sendingMs = elapsed;
        clearInterval(tick);
        resolve();
        return;
      }
      const due = Math.floor(elapsed / intervalMs) + 1;
      for (; sent < due; sent++) view(sent, startedAt + sent * intervalMs);
    }, 1);
  });
  const hardStop = setTimeout(() => {
    sink.abandon();
    browsers.forEach(b => b.agent.destroy());
  }, options.graceMs ?? 30_000);
  while (inFlight.size) await Promise.race(inFlight);
  clearTimeout(hardStop);
  browsers.forEach(b => b.agent.destroy());
  // The rate is over the sending time; views still answering after it count as usual.
  samples.elapsedMs = sendingMs;
  return samples;
}
