import type express from 'express';
import type { Fault, SimService } from '../util/service';
import { KINDS, KubeEvent, Plural, VeleroCluster } from './velero';
import { kubeStatus } from './status';

/**
 * A watch (`?watch=true`) as the API server serves it from its watch cache:
 * - no `resourceVersion` (or `"0"`): synthetic ADDED for every matching object, then live;
 * - a `resourceVersion` inside the cache window: the events after it (ADDED/MODIFIED/DELETED in
 *   order), then live; an older one (or any, while the `expireResourceVersion` fault is set):
 *   one `ERROR` event with a 410 Expired Status, then the end of the response;
 * - `allowWatchBookmarks=true`: a BOOKMARK with the current resourceVersion every
 *   `bookmarkIntervalMs` of real time; `timeoutSeconds` ends the watch.
 */
export function watchObjects(d: {
  velero: VeleroCluster;
  service: () => SimService;
  plural: Plural;
  req: express.Request;
  res: express.Response;
  match: (o: any) => boolean;
  matchLogged: (e: { namespace: string; name: string; labels: any }) => boolean;
  items: any[];
  bookmarkIntervalMs: number;
}) {
  const { velero: v, req, res, plural } = d;
  res.status(200);
  res.setHeader('content-type', 'application/json');
  res.setHeader('transfer-encoding', 'chunked');
  res.flushHeaders();
  const line = (type: string, object: unknown) =>
    res.write(`${JSON.stringify({ type, object })}\n`);
  const rvParam =
    typeof req.query.resourceVersion === 'string'
      ? req.query.resourceVersion
      : '';
  const timers: NodeJS.Timeout[] = [];
  let done = false;
  function stop() {
    if (done) return;
    done = true;
    v.events.off('event', onEvent);
    d.service().faultEvents.off('change', onFault);
    timers.forEach(t => clearTimeout(t));
  }
  function onEvent(ev: KubeEvent) {
    if (ev.plural === plural && d.match(ev.object)) line(ev.type, ev.object);
  }
  function onFault(f: Fault) {
    // Like an API server restart: open watches end; clients re-watch (and meet the 410).
    if (f.expireResourceVersion) {
      stop();
      res.end();
    }
  }
  const expired = (rv: string) => {
    line(
      'ERROR',
      kubeStatus(
        410,
        'Expired',
        `too old resource version: ${rv} (${v.watchLog.windowStart})`,
      ),
    );
    stop();
    res.end();
  };

  if (!rvParam || rvParam === '0') {
    for (const o of d.items) line('ADDED', o);
  } else {
    const since = Number(rvParam);
    const replay = Number.isInteger(since)
      ? v.watchLog.since(since)
      : undefined;
    if (d.service().fault.expireResourceVersion || !replay) {
      expired(rvParam);
      return;
    }
    for (const e of replay)
      if (e.plural === plural && d.matchLogged(e)) res.write(`${e.line}\n`);
  }
  v.events.on('event', onEvent);
  d.service().faultEvents.on('change', onFault);
  if (req.query.allowWatchBookmarks === 'true' && d.bookmarkIntervalMs > 0) {
    const bookmark = setInterval(
      () =>
        line('BOOKMARK', {
          kind: KINDS[plural],
          apiVersion: 'velero.io/v1',
          metadata: { resourceVersion: v.resourceVersion },
        }),
      d.bookmarkIntervalMs,
    );
    bookmark.unref();
    timers.push(bookmark);
  }
  const timeout = Number(req.query.timeoutSeconds ?? 0);
  if (timeout > 0)
    timers.push(
      setTimeout(() => {
        stop();
        res.end();
      }, timeout * 1000),
    );
  req.on('close', stop);
}
