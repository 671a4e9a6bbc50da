import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { isIPv6, type AddressInfo, type Socket } from 'node:net';
import type express from 'express';
import { prng } from './random';

/** Faults that can be injected per Argo instance or per cluster (cost + kube APIs). */
export interface Fault {
  /** Added latency before every answer. */
  latencyMs?: number;
  /** Fraction (0..1) of requests answered with `status` (default 500). */
  errorRate?: number;
  /** Status used by errorRate (or for every request if errorRate is unset but status is set). */
  status?: number;
  /** Accept the connection but never answer. */
  hang?: boolean;
  /** Answer 200 with a truncated JSON body. */
  malformed?: boolean;
  /** Close the listening socket (connection refused) until the fault is cleared. */
  down?: boolean;
  /** Argo only: lifetime of newly issued session tokens. */
  tokenTtlSeconds?: number;
  /**
   * Argo stream: after this many event messages (since the stream opened or the fault was set)
   * write half of the next one and destroy the socket.
   */
  streamCutAfterEvents?: number;
  /** Argo stream: every event message is written twice. */
  duplicateEvents?: boolean;
  /** Argo stream: after an event, the app's previous message (lower resourceVersion) again. */
  outOfOrderEvents?: boolean;
  /** Argo stream: a broken (truncated) message before each event. */
  malformedEvents?: boolean;
  /** Argo stream: the gateway's `{"error": ...}` chunk (gRPC code, message), then the end. */
  streamError?: { code: number; message: string };
  /** Kube: every watch from a resourceVersion answers 410 Expired; open watches end. */
  expireResourceVersion?: boolean;
}

export type Counts = Record<string, Record<string, number>>;

/** Key and certificate (PEM; `cert` may be a chain, leaf first) a service serves HTTPS with. */
export interface ServiceTls {
  key: string;
  cert: string;
}

/**
 * An HTTP(S) server for one simulated upstream (one Argo instance, one cost API, one kube API)
 * with request counting per route and fault injection in front of the express app. With `tls`
 * it listens with `https.createServer` and its `url` is `https://...`.
 */
export class SimService {
  readonly name: string;
  fault: Fault = {};
  /** Emits `change` with the new fault (open streams and watches react to it). */
  readonly faultEvents = new EventEmitter();
  counts: Record<string, number> = {};
  private server?: http.Server | https.Server;
  private sockets = new Set<Socket>();
  private port: number;
  private rand: () => number;
  /** The express app answering requests; attached after construction (it counts on this). */
  app?: express.Express;

  constructor(
    name: string,
    private readonly host: string,
    port = 0,
    seed = 1,
    private readonly tls?: ServiceTls,
  ) {
    this.name = name;
    this.port = port;
    this.rand = prng(seed);
    this.faultEvents.setMaxListeners(0);
  }

  get url(): string {
    const host = isIPv6(this.host) ? `[${this.host}]` : this.host;
    return `${this.tls ? 'https' : 'http'}://${host}:${this.port}`;
  }

  async listen(): Promise<void> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) =>
      this.handle(req, res);
    const server = this.tls
      ? https.createServer({ key: this.tls.key, cert: this.tls.cert }, handler)
      : http.createServer(handler);
    server.on('connection', s => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>(resolve => server.close(() => resolve()));
  }

  async setFault(fault: Fault): Promise<void> {
    this.fault = { ...fault };
    this.faultEvents.emit('change', this.fault);
    if (fault.down && this.server) await this.close();
    if (!fault.down && !this.server) await this.listen();
  }

  resetCounts() {
    this.counts = {};
  }

  /** Route template used as the count key, e.g. `GET /api/v1/applications/:name`. */
  count(route: string) {
    this.counts[route] = (this.counts[route] ?? 0) + 1;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const f = this.fault;
    if (f.hang) return; // never answer; the socket is destroyed on close()
    const go = () => {
      const failing =
        (f.errorRate !== undefined && this.rand() < f.errorRate) ||
        (f.errorRate === undefined && f.status !== undefined);
      if (failing) {
        const status = f.status ?? 500;
        this.count(`FAULT ${status}`);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: 'injected fault',
            code: 13,
            message: 'injected fault',
          }),
        );
        return;
      }
      if (f.malformed) {
        // Truncate whatever the app writes so clients see invalid JSON.
        const origEnd = res.end.bind(res);
        (res as any).end = (chunk?: any, ...rest: any[]) => {
          const s = chunk ? String(chunk) : '';
          return origEnd(
            s.slice(0, Math.max(1, Math.floor(s.length / 2))),
            ...rest,
          );
        };
        const origSet = res.setHeader.bind(res);
        (res as any).setHeader = (k: string, v: any) =>
          k.toLowerCase() === 'content-length' ? res : origSet(k, v);
      }
      if (this.app) this.app(req as any, res as any);
      else res.writeHead(503).end();
    };
    if (f.latencyMs) setTimeout(go, f.latencyMs);
    else go();
  }
}
