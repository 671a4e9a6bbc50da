import type express from 'express';
import type { Fault, SimService } from '../util/service';
import { KINDS, KubeEvent, Plural, VeleroCluster } from './velero';
import { kubeStatus } from './status';
import { CRDS } from './crds';
import type { Conversion } from './negotiate';
import { TableOptions, convertEventObject } from './table';

/**
 * A watch (`?watch=true`) as the API server serves it from its watch cache:
 * - no `resourceVersion` (or `"0"`): synthetic ADDED for every matching object, then live;
 * - a `resourceVersion` inside the cache window: the events after it (ADDED/MODIFIED/DELETED in
 *   order), then live; an older one (or any, while the `expireResourceVersion` fault is set):
 *   one `ERROR` event with a 410 Expired Status, then the end of the response;
 * - `allowWatchBookmarks=true`: a BOOKMARK with the current resourceVersion every
 *   `bookmarkIntervalMs` of real time, and one 2 s before `timeoutSeconds` ends the watch (the
 *   watch cache's `nextBookmarkTime`), so a client can resume from a fresh resourceVersion;
 * - `sendInitialEvents` (watch-list) is refused with 422, as a 1.30 server without the WatchList
 *   feature gate does; clients fall back to list + watch;
 * - `as=Table` / `as=PartialObjectMetadata` (Accept): each event's object converted, the Table's
 *   column definitions on the first event only; an ERROR's Status is never converted.
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
  conversion?: Conversion | null;
  tableOptions?: TableOptions;
}) {
  const { velero: v, req, res, plural } = d;
  const invalid = watchListErrors(req.query);
  if (invalid.length) {
    res.status(422).json(invalidListOptions(invalid));
    return;
  }
  const conversion = d.conversion ?? null;
  const options = d.tableOptions && { ...d.tableOptions };
  const convert = (object: unknown) =>
    convertEventObject({
      conversion,
      crd: CRDS[plural],
      object,
      options,
      nowMs: v.nowMs(),
    });
  res.status(200);
  res.setHeader('content-type', 'application/json');
  res.setHeader('transfer-encoding', 'chunked');
  res.flushHeaders();
  const line = (type: string, object: unknown) =>
    res.write(`${JSON.stringify({ type, object: convert(object) })}\n`);
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
    for (const e of replay) {
      if (e.plural !== plural || !d.matchLogged(e)) continue;
      if (conversion) line(e.type, JSON.parse(e.line).object);
      else res.write(`${e.line}\n`);
    }
  }
  v.events.on('event', onEvent);
  d.service().faultEvents.on('change', onFault);
  const timeout = Number(req.query.timeoutSeconds ?? 0);
  const deadline = timeout > 0 ? Date.now() + timeout * 1000 : 0;
  if (req.query.allowWatchBookmarks === 'true' && d.bookmarkIntervalMs > 0) {
    const bookmark = () =>
      line('BOOKMARK', {
        kind: KINDS[plural],
        apiVersion: 'velero.io/v1',
        metadata: { resourceVersion: v.resourceVersion },
      });
    // Every interval, but never later than 2 s before the deadline; none once that has passed.
    const scheduleBookmark = () => {
      const now = Date.now();
      let at = now + d.bookmarkIntervalMs;
      if (deadline && deadline - 2000 < at) at = deadline - 2000;
      if (at <= now) return;
      const t = setTimeout(() => {
        if (done) return;
        bookmark();
        scheduleBookmark();
      }, at - now);
      t.unref();
      timers.push(t);
    };
    scheduleBookmark();
  }
  if (deadline)
    timers.push(
      setTimeout(() => {
        stop();
        res.end();
      }, deadline - Date.now()),
    );
  req.on('close', stop);
}

type ListOptionError = { field: string; message: string };

/**
 * The watch options a 1.30 API server validates before watching (`validateWatchOptions`, the
 * WatchList feature gate off): `sendInitialEvents` and `resourceVersionMatch`.
 */
function watchListErrors(q: express.Request['query']): ListOptionError[] {
  const errs: ListOptionError[] = [];
  const match =
    typeof q.resourceVersionMatch === 'string' ? q.resourceVersionMatch : '';
  const initial = q.sendInitialEvents !== undefined;
  if (initial) {
    if (match !== 'NotOlderThan')
      errs.push({
        field: 'resourceVersionMatch',
        message:
          'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
      });
    errs.push({
      field: 'sendInitialEvents',
      message:
        'Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
    });
  }
  if (match) {
    if (!initial)
      errs.push({
        field: 'resourceVersionMatch',
        message:
          'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
      });
    if (match !== 'NotOlderThan')
      errs.push({
        field: 'resourceVersionMatch',
        message: `Unsupported value: "${match}": supported values: "NotOlderThan"`,
      });
  }
  return errs;
}

/** apierrors.NewInvalid for ListOptions.meta.k8s.io, with one cause per error. */
function invalidListOptions(errs: ListOptionError[]) {
  const texts = errs.map(e => `${e.field}: ${e.message}`);
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return kubeStatus(
    422,
    'Invalid',
    `ListOptions.meta.k8s.io "" is invalid: ${joined}`,
    {
      group: 'meta.k8s.io',
      kind: 'ListOptions',
      causes: errs.map(e => ({
        reason: e.message.startsWith('Unsupported')
          ? 'FieldValueNotSupported'
          : 'FieldValueForbidden',
        message: e.message,
        field: e.field,
      })),
    },
  );
}
