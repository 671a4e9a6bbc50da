import { FilterError, Predicate, parseFilter } from './filter';
import {
  DAY,
  HOUR,
  Range,
  WEEK,
  etlSteps,
  goDuration,
  parseDuration,
  parseWindow,
  splitSteps,
} from './window';

export type Flavour = 'kubecost' | 'opencost';
export type Accumulate =
  | 'none'
  | 'all'
  | 'hour'
  | 'day'
  | 'week'
  | 'month'
  | 'quarter';

/** An answer other than the allocation data: status, content type and body. */
export class QueryError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType = 'application/json',
  ) {
    super(body);
  }
}

export interface AllocationPlan {
  /** One range per returned set (its window; data stops at now). */
  sets: Range[];
  aggregate: string[];
  idle: boolean;
  shareIdle: boolean;
  match: Predicate;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
/** Go's strconv.ParseBool; anything else is the default. */
function goBool(v: unknown, dflt: boolean) {
  const s = str(v);
  if (s === undefined) return dflt;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return dflt;
}

/**
 * Kubecost reads `accumulate` with opencost's ParseAccumulate (`true` = all, or a period);
 * OpenCost reads `accumulate` as a bool and `accumulateBy` as the period, as-is.
 */
function accumulateOf(
  q: Record<string, unknown>,
  flavour: Flavour,
): Accumulate {
  if (flavour === 'kubecost') {
    const a = (str(q.accumulate) ?? '').toLowerCase();
    if (a === 'true') return 'all';
    return ['hour', 'day', 'week', 'month', 'quarter'].includes(a)
      ? (a as Accumulate)
      : 'none';
  }
  const by = str(q.accumulateBy) ?? '';
  if (by) return by as Accumulate;
  return goBool(q.accumulate, false) ? 'all' : 'none';
}

const closes: Record<string, (start: number) => boolean> = {
  day: s => new Date(s).getUTCHours() === 23,
  week: s => new Date(s).getUTCDay() === 6, // weeks end on Saturday
  month: s => new Date(s + DAY).getUTCMonth() !== new Date(s).getUTCMonth(),
  quarter: s =>
    Math.floor(new Date(s + DAY).getUTCMonth() / 3) !==
    Math.floor(new Date(s).getUTCMonth() / 3),
};

/** opencost's AllocationSetRange.Accumulate over the sets' windows. */
function accumulate(sets: Range[], by: Accumulate, flavour: Flavour): Range[] {
  const need = (unit: number) => {
    const bad = sets.find(s => s.end - s.start !== unit);
    if (bad)
      throw new Error(
        `window duration must equal ${
          unit === HOUR ? '1 hour' : '24 hours'
        }; got:${goDuration(bad.end - bad.start)}`,
      );
  };
  const span = (rs: Range[]) =>
    rs.length ? [{ start: rs[0].start, end: rs[rs.length - 1].end }] : [];
  switch (by) {
    case 'none':
      return sets;
    case 'all':
      return span(sets);
    case 'hour':
      need(HOUR);
      return sets;
    case 'day':
    case 'week':
    case 'month':
    case 'quarter': {
      if (by === 'quarter' && flavour === 'opencost')
        throw new Error(`unexpected error, invalid accumulateByType: ${by}`);
      const same = by === 'day' ? DAY : WEEK;
      if (
        (by === 'day' || by === 'week') &&
        sets[0]?.end - sets[0]?.start === same
      )
        return sets;
      need(by === 'day' ? HOUR : DAY);
      const out: Range[] = [];
      let group: Range[] = [];
      sets.forEach((s, i) => {
        group.push(s);
        if (closes[by](s.start) || i === sets.length - 1) {
          out.push(...span(group));
          group = [];
        }
      });
      return out;
    }
    default:
      throw new Error(`unexpected error, invalid accumulateByType: ${by}`);
  }
}

/** Reads an allocation query the way the given flavour does; throws QueryError. */
export function planAllocationQuery(
  q: Record<string, unknown>,
  flavour: Flavour,
  nowMs: number,
): AllocationPlan {
  let window: Range;
  try {
    window = parseWindow(str(q.window) ?? '', nowMs);
  } catch (e) {
    const msg = `Invalid 'window' parameter: ${(e as Error).message}`;
    throw flavour === 'opencost'
      ? new QueryError(400, `${msg}\n`, 'text/plain; charset=utf-8')
      : new QueryError(
          400,
          JSON.stringify({ code: 400, status: 'error', message: msg }),
        );
  }
  let match: Predicate;
  try {
    match = parseFilter(q, flavour);
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    const msg = `Invalid 'filter' parameter: ${e.message}`;
    throw flavour === 'opencost'
      ? new QueryError(400, `${msg}\n`, 'text/plain; charset=utf-8')
      : new QueryError(
          400,
          JSON.stringify({ code: 400, status: 'error', message: msg }),
        );
  }
  const by = accumulateOf(q, flavour);
  // An unparseable step falls back to the default, as qp.GetDuration does.
  const step = str(q.step) ? parseDuration(str(q.step)!) : undefined;
  let base: Range[];
  if (step && step > 0) base = splitSteps(window, step);
  else if (flavour === 'opencost') base = [window];
  else if (by === 'hour' || (by === 'day' && window.end - window.start < DAY))
    base = splitSteps(
      { start: Math.floor(window.start / HOUR) * HOUR, end: window.end },
      HOUR,
    );
  else base = etlSteps(window);
  let sets: Range[];
  try {
    sets = accumulate(base, by, flavour);
  } catch (e) {
    throw new QueryError(
      500,
      JSON.stringify({
        code: 500,
        status: '',
        data: null,
        message: `Error: error accumulating by ${by}: ${(e as Error).message}`,
      }),
    );
  }
  const aggregate = (str(q.aggregate) ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  // Kubecost includes idle by default (`idle`), OpenCost only on request (`includeIdle`).
  const idle =
    flavour === 'kubecost'
      ? goBool(q.idle ?? q.includeIdle, true)
      : goBool(q.includeIdle, false);
  return {
    sets,
    aggregate,
    idle,
    // Kubecost also takes a share mode (`weighted`, `even`) for it.
    shareIdle:
      goBool(q.shareIdle, false) ||
      (flavour === 'kubecost' &&
        ['weighted', 'even'].includes(str(q.shareIdle) ?? '')),
    match,
  };
}
