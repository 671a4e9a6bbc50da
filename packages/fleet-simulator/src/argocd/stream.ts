import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type express from 'express';
import type { Fault, SimService } from '../util/service';
import { projectGeneric } from '../util/fields';
import type { SimApp } from './app';
import type { ArgoInstance, WatchEvent } from './instance';
import { parseFieldsParam } from './listFields';

/** grpc-gateway v1's HTTPStatusFromCode. */
export function httpStatusFromGrpc(code: number): number {
  const map: Record<number, number> = {
    0: 200,
    1: 408,
    2: 500,
    3: 400,
    4: 504,
    5: 404,
    6: 409,
    7: 403,
    8: 429,
    9: 400,
    10: 409,
    11: 400,
    12: 501,
    13: 500,
    14: 503,
    15: 500,
    16: 401,
  };
  return map[code] ?? 500;
}

type Event = WatchEvent & { projected?: Map<string, string> };

const md5 = (s: string) => createHash('md5').update(s).digest('base64');

/**
 * `GET /api/v1/stream/applications` as argo-cd v3.5.1 serves it through grpc-gateway v1 and
 * argoproj/pkg's `NewStreamForwarder`:
 * - without `resourceVersion` (or with `name`) every matching app first, sorted, as ADDED;
 *   events of apps whose resourceVersion is lower than the requested one are never sent;
 * - each message is the marshaled `{"result": event}` (projected with `fields`); one whose bytes
 *   equal the last message sent for the same app is skipped;
 * - framing: `Accept: text/event-stream` (exactly) gives `data: <json> \n\n` per message,
 *   otherwise `<json>`; the gateway writes a `\n` delimiter after each; SSE streams get a `:\n`
 *   keepalive every 15 s (real time) once the first message is out;
 * - no response (not even headers) before the first message: the gateway waits for the gRPC
 *   stream's headers, which come with the first message.
 */
export function streamApplications(d: {
  instance: ArgoInstance;
  service: () => SimService;
  req: express.Request;
  res: express.Response;
  match: (a: SimApp) => boolean;
  keepaliveMs: number;
}) {
  const { instance, req, res, match } = d;
  const q = req.query;
  const sse = req.headers.accept === 'text/event-stream';
  const sel = parseFieldsParam(q.fields);
  const rvParam =
    typeof q.resourceVersion === 'string' ? q.resourceVersion : '';
  const minVersion = /^-?\d+$/.test(rvParam) ? Number(rvParam) : 0;
  const named = typeof q.name === 'string' && q.name !== '';
  res.setHeader('content-type', sse ? 'text/event-stream' : 'application/json');
  if (sse) res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('grpc-metadata-content-type', 'application/grpc');

  const lastSent = new Map<string, string>();
  const previous = new Map<string, string>();
  let wrote = false;
  let closed = false;
  let keepalive: NodeJS.Timeout | undefined;
  // Counts messages for streamCutAfterEvents since the stream opened or the fault was set.
  let sinceFault = 0;

  const frame = (json: string) => (sse ? `data: ${json} \n\n` : json);
  const write = (chunk: string) => {
    res.write(chunk);
    if (!wrote) {
      wrote = true;
      if (sse && d.keepaliveMs > 0) {
        keepalive = setInterval(() => res.write(':\n'), d.keepaliveMs);
        keepalive.unref();
      }
    }
  };
  function onEvent(ev: Event) {
    if (match(ev.app)) send(ev.type, ev.app, ev);
  }
  function onFault(f: Fault) {
    sinceFault = 0;
    if (f.streamError) streamError(f.streamError);
  }
  function close() {
    if (closed) return;
    closed = true;
    if (keepalive) clearInterval(keepalive);
    instance.events.off('event', onEvent);
    d.service().faultEvents.off('change', onFault);
  }

  function streamError(e: { code: number; message: string }) {
    const http = httpStatusFromGrpc(e.code);
    if (!wrote) {
      // Before any message the gateway still waits for the gRPC headers: a plain error answer.
      res
        .status(http)
        .type('application/json')
        .send({ error: e.message, code: e.code, message: e.message });
    } else {
      const chunk = {
        error: {
          ...(e.code ? { grpc_code: e.code } : {}),
          http_code: http,
          ...(e.message ? { message: e.message } : {}),
          http_status: STATUS_CODES[http] ?? '',
        },
      };
      res.end(frame(sel ? projectGeneric(chunk, sel) : JSON.stringify(chunk)));
    }
    close();
  }

  function messageJson(type: WatchEvent['type'], a: SimApp, ev?: Event) {
    if (!sel)
      return `{"result":{"type":"${type}","application":${instance.json(a)}}}`;
    const cached = ev?.projected?.get(sel.key);
    if (cached !== undefined) return cached;
    const json = projectGeneric({ result: { type, application: a.obj } }, sel);
    if (ev) (ev.projected ??= new Map()).set(sel.key, json);
    return json;
  }

  function send(type: WatchEvent['type'], a: SimApp, ev?: Event) {
    if (closed) return;
    const rv = Number(a.obj.metadata.resourceVersion);
    if (Number.isInteger(rv) && rv < minVersion) return;
    const json = messageJson(type, a, ev);
    const hash = md5(json);
    if (lastSent.get(a.name) === hash) return;
    lastSent.set(a.name, hash);
    const f: Fault = d.service().fault;
    if (f.streamError) {
      streamError(f.streamError);
      return;
    }
    const half = (s: string) =>
      s.slice(0, Math.max(1, Math.floor(s.length / 2)));
    if (
      f.streamCutAfterEvents !== undefined &&
      sinceFault >= f.streamCutAfterEvents
    ) {
      // Destroyed once the bytes before it are out, as a proxy dying mid-message would.
      res.write(half(frame(json)), () => res.socket?.destroy());
      close();
      return;
    }
    sinceFault++;
    if (f.malformedEvents) write(`${frame(half(json))}\n`);
    const message = `${frame(f.malformed ? half(json) : json)}\n`;
    write(message);
    if (f.duplicateEvents) write(message);
    if (f.outOfOrderEvents) {
      const before = previous.get(a.name);
      if (before !== undefined) write(before);
      previous.set(a.name, message);
    } else previous.clear();
  }

  const initial = d.service().fault.streamError;
  if (initial) {
    streamError(initial);
    return;
  }
  if (!rvParam || named) {
    for (const n of [...instance.apps.keys()].sort()) {
      const a = instance.apps.get(n)!;
      if (match(a)) send('ADDED', a);
    }
  }
  if (closed) return;
  instance.events.on('event', onEvent);
  d.service().faultEvents.on('change', onFault);
  req.on('close', close);
}
