import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { BenchEntity } from './entities';

/** One browser → backend request as the load generator saw it. */
export interface RequestSample {
  /** Route label (e.g. `GET /api/argocd/find/selector/:selector`), for per-route latency. */
  route: string;
  /** When it was sent (epoch ms). */
  at: number;
  ms: number;
  ok: boolean;
  status?: number;
  /** Made by the frontend's polling while the page stayed open. */
  poll: boolean;
}

/** One page view: when it started (epoch ms), how long until every request had answered. */
export interface PageSample {
  at: number;
  ms: number;
  failed: boolean;
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
  /** Each viewer's browser keeps an HTTP cache (ETag → If-None-Match). Default off. */
  browserCache?: boolean;
}

export interface LevelSamples {
  /** When the level started (epoch ms). */
  startedAt: number;
  elapsedMs: number;
  pageViews: number;
  pages: PageSample[];
  requests: RequestSample[];
  errors: Record<string, number>;
  /** Pages abandoned when the grace period after the level ran out. */
  unfinishedPageViews: number;
  /** Requests in flight then (not counted as requests or errors). */
  abandonedRequests: number;
}

/** A browser's HTTP/1.1 limit: 6 connections per origin, kept alive. */
export const newAgent = () =>
  new http.Agent({ keepAlive: true, maxSockets: 6, maxFreeSockets: 6 });

function request(
  agent: http.Agent,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; text: string; etag?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent, headers, timeout: timeoutMs },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          try {
            const raw = Buffer.concat(chunks);
            const decoded =
              res.headers['content-encoding'] === 'gzip'
                ? gunzipSync(raw)
                : raw;
            resolve({
              status: res.statusCode ?? 0,
              text: decoded.toString('utf8'),
              etag: res.headers.etag,
            });
          } catch (e) {
            reject(e);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * One viewer's browser: its own keep-alive connections, the user's token, gzip, and with
 * `cache` its HTTP cache: a GET answered with an ETag is asked again with `If-None-Match`, and
 * a 304 hands the stored answer to the page (as `fetch` does with `no-cache` answers).
 */
export function browserContext(options: {
  baseUrl: string;
  token: string;
  agent?: http.Agent;
  timeoutMs?: number;
  onSample?: (s: RequestSample) => void;
  cache?: boolean;
}) {
  const agent = options.agent ?? newAgent();
  const stored = new Map<string, { etag: string; text: string }>();
  const call = async <T>(
    method: string,
    path: string,
    route: string,
    body: unknown,
    isPoll: boolean,
  ): Promise<T> => {
    const started = performance.now();
    const at = Date.now();
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token}`,
      accept: 'application/json',
      'accept-encoding': 'gzip',
      'content-type': 'application/json',
    };
    const cached = method === 'GET' ? stored.get(path) : undefined;
    if (cached) headers['if-none-match'] = cached.etag;
    try {
      const res = await request(
        agent,
        new URL(path, options.baseUrl),
        method,
        headers,
        body === undefined ? undefined : JSON.stringify(body),
        options.timeoutMs ?? 60_000,
      );
      const text = res.status === 304 && cached ? cached.text : res.text;
      if (options.cache && method === 'GET' && res.status === 200 && res.etag)
        stored.set(path, { etag: res.etag, text });
      // The browser parses every answer: part of the latency.
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      const ok = (res.status >= 200 && res.status < 300) || res.status === 304;
      options.onSample?.({
        route,
        at,
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
          at,
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
/** Where a level's samples go; after `abandon()` (the grace period ran out) nothing counts. */
export function sampleSink() {
  const samples: LevelSamples = {
    startedAt: Date.now(),
    elapsedMs: 0,
    pageViews: 0,
    pages: [],
    requests: [],
    errors: {},
    unfinishedPageViews: 0,
    abandonedRequests: 0,
  };
  let abandoned = false;
  return {
    samples,
    get abandoned() {
      return abandoned;
    },
    abandon() {
      abandoned = true;
    },
    onRequest(s: RequestSample) {
      if (abandoned) {
        samples.abandonedRequests++;
        return;
      }
      samples.requests.push(s);
      if (!s.ok) {
        const key = `${s.route} ${s.status ?? 'network'}`;
        samples.errors[key] = (samples.errors[key] ?? 0) + 1;
      }
    },
    onPage(page: PageSample) {
      samples.pages.push(page);
      samples.pageViews++;
    },
  };
}

export async function runLevel(options: LevelOptions): Promise<LevelSamples> {
  const sink = sampleSink();
  const { samples } = sink;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const agents = new Set<http.Agent>();
  const hardStop = setTimeout(() => {
    sink.abandon();
    agents.forEach(a => a.destroy());
  }, options.durationMs + (options.graceMs ?? 30_000));
  const onSample = (s: RequestSample) => sink.onRequest(s);
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
      cache: options.browserCache,
    });
    agents.add(browser.agent);
    if (options.dwellMs > 0) {
      await sleepUntil(started + (i / options.viewers) * options.dwellMs);
    }
    let view = 0;
    while (performance.now() < deadline && !sink.abandoned) {
      const entity =
        options.entities[
          (i + view * options.viewers) % options.entities.length
        ];
      const opened = performance.now();
      const openedAt = Date.now();
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
      if (sink.abandoned) {
        samples.unfinishedPageViews++;
        break;
      }
      sink.onPage({ at: openedAt, ms: performance.now() - opened, failed });
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
