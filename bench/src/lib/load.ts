import http from 'node:http';
import type { BenchEntity } from './entities';

/** One browser → backend request as the load generator saw it. */
export interface RequestSample {
  /** Route label (e.g. `GET /api/argocd/find/selector/:selector`), for per-route latency. */
  route: string;
  ms: number;
  ok: boolean;
  status?: number;
  /** Made by the frontend's polling while the page stayed open. */
  poll: boolean;
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** What a page model uses to make the frontend's requests: real HTTP, one browser per viewer. */
export interface PageContext {
  get<T = unknown>(path: string, route: string): Promise<T>;
  post<T = unknown>(path: string, route: string, body: unknown): Promise<T>;
  /** True on the first page view of this viewer (one browser session, one SPA load). */
  firstViewOfSession: boolean;
}

/**
 * What one plugin's frontend does for one entity page, read from its source: `load` makes the
 * requests of opening the page in the browser's order and parallelism; `poll` what it repeats
 * while the page stays open.
 */
export interface PageModel {
  id: string;
  label: string;
  /** The requests of one page view, in words (for the report). */
  requests: string;
  load(c: PageContext, e: BenchEntity): Promise<void>;
  poll?: {
    intervalMs: number;
    run(c: PageContext, e: BenchEntity): Promise<void>;
  };
}

export interface LevelOptions {
  baseUrl: string;
  token: string;
  viewers: number;
  durationMs: number;
  /**
   * How long a viewer keeps a page open before opening the next (polling runs meanwhile).
   * 0: a closed loop, the next page right after the previous one loaded.
   */
  dwellMs: number;
  entities: BenchEntity[];
  page: PageModel;
  /** Per-request timeout (a browser would wait longer; the bench counts it as an error). */
  timeoutMs?: number;
  /**
   * Pages still loading this long after the end are abandoned (their connections closed) and
   * counted as unfinished, not as page views: the level's length stays bounded. Default 30 s.
   */
  graceMs?: number;
}

export interface LevelSamples {
  elapsedMs: number;
  pageViews: number;
  failedPageViews: number;
  pageMs: number[];
  requests: RequestSample[];
  errors: Record<string, number>;
  /** Pages abandoned when the grace period after the level ran out. */
  unfinishedPageViews: number;
  /** Requests in flight then (not counted as requests or errors). */
  abandonedRequests: number;
}

/** A browser's HTTP/1.1 limit: 6 connections per origin, kept alive. */
const newAgent = () =>
  new http.Agent({ keepAlive: true, maxSockets: 6, maxFreeSockets: 6 });

function request(
  agent: http.Agent,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent, headers, timeout: timeoutMs },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** One viewer's browser: its own keep-alive connections and the user's token. */
export function browserContext(options: {
  baseUrl: string;
  token: string;
  agent?: http.Agent;
  timeoutMs?: number;
  onSample?: (s: RequestSample) => void;
}) {
  const agent = options.agent ?? newAgent();
  const call = async <T>(
    method: string,
    path: string,
    route: string,
    body: unknown,
    isPoll: boolean,
  ): Promise<T> => {
    const started = performance.now();
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token}`,
      accept: 'application/json',
      'content-type': 'application/json',
    };
    try {
      const res = await request(
        agent,
        new URL(path, options.baseUrl),
        method,
        headers,
        body === undefined ? undefined : JSON.stringify(body),
        options.timeoutMs ?? 60_000,
      );
      // The browser parses every answer: part of the latency.
      let parsed: unknown;
      try {
        parsed = res.text ? JSON.parse(res.text) : undefined;
      } catch {
        parsed = res.text;
      }
      const ok = res.status >= 200 && res.status < 300;
      options.onSample?.({
        route,
        ms: performance.now() - started,
        ok,
        status: res.status,
        poll: isPoll,
      });
      if (!ok) {
        throw new HttpError(
          res.status,
          `${method} ${route}: HTTP ${res.status} ${res.text.slice(0, 200)}`,
        );
      }
      return parsed as T;
    } catch (e) {
      if (!(e instanceof HttpError)) {
        options.onSample?.({
          route,
          ms: performance.now() - started,
          ok: false,
          poll: isPoll,
        });
      }
      throw e;
    }
  };
  return {
    agent,
    context(firstViewOfSession: boolean, polling = false): PageContext {
      return {
        firstViewOfSession,
        get: (path, route) => call('GET', path, route, undefined, polling),
        post: (path, route, body) => call('POST', path, route, body, polling),
      };
    },
  };
}

/**
 * N viewers, each in its own browser, for a fixed duration: open an entity page (the page
 * model's requests), keep it open `dwellMs` (its polling runs), open the next entity's page.
 * With a dwell time the viewers' first pages are spread over the first dwell period.
 */
export async function runLevel(options: LevelOptions): Promise<LevelSamples> {
  const samples: LevelSamples = {
    elapsedMs: 0,
    pageViews: 0,
    failedPageViews: 0,
    pageMs: [],
    requests: [],
    errors: {},
    unfinishedPageViews: 0,
    abandonedRequests: 0,
  };
  const started = performance.now();
  const deadline = started + options.durationMs;
  let abandoned = false;
  const agents = new Set<http.Agent>();
  const hardStop = setTimeout(() => {
    abandoned = true;
    agents.forEach(a => a.destroy());
  }, options.durationMs + (options.graceMs ?? 30_000));
  const onSample = (s: RequestSample) => {
    if (abandoned) {
      samples.abandonedRequests++;
      return;
    }
    samples.requests.push(s);
    if (!s.ok) {
      const key = `${s.route} ${s.status ?? 'network'}`;
      samples.errors[key] = (samples.errors[key] ?? 0) + 1;
    }
  };
  const sleepUntil = (t: number) =>
    new Promise<void>(resolve =>
      setTimeout(resolve, Math.max(0, t - performance.now())),
    );

  const viewer = async (i: number) => {
    const browser = browserContext({
      baseUrl: options.baseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs,
      onSample,
    });
    agents.add(browser.agent);
    if (options.dwellMs > 0) {
      await sleepUntil(started + (i / options.viewers) * options.dwellMs);
    }
    let view = 0;
    while (performance.now() < deadline && !abandoned) {
      const entity =
        options.entities[
          (i + view * options.viewers) % options.entities.length
        ];
      const opened = performance.now();
      const polls: Promise<void>[] = [];
      let timer: NodeJS.Timeout | undefined;
      const closeAt = Math.min(opened + options.dwellMs, deadline);
      if (options.page.poll && options.dwellMs > 0) {
        // react-use's useInterval: fires every interval from mount, whether or not the previous
        // request has answered.
        const { intervalMs, run } = options.page.poll;
        timer = setInterval(() => {
          if (performance.now() >= closeAt) return;
          polls.push(
            run(browser.context(false, true), entity).catch(() => undefined),
          );
        }, intervalMs);
      }
      let failed = false;
      try {
        await options.page.load(browser.context(view === 0), entity);
      } catch {
        failed = true;
      }
      if (abandoned) {
        samples.unfinishedPageViews++;
        break;
      }
      samples.pageMs.push(performance.now() - opened);
      if (failed) samples.failedPageViews++;
      samples.pageViews++;
      view++;
      if (options.dwellMs > 0) await sleepUntil(closeAt);
      if (timer) clearInterval(timer);
      await Promise.all(polls);
    }
    browser.agent.destroy();
  };

  await Promise.all(
    Array.from({ length: options.viewers }, (_, i) => viewer(i)),
  );
  clearTimeout(hardStop);
  samples.elapsedMs = performance.now() - started;
  return samples;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
}

export function summarize(values: number[]): LatencySummary {
  const round = (v?: number) =>
    v === undefined ? undefined : Math.round(v * 10) / 10;
  return {
    count: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(values.length ? Math.max(...values) : undefined),
  };
}
