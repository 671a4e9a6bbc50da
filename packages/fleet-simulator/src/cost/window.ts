/**
 * Kubecost/OpenCost `window` and `step` values as opencost's `core/pkg/opencost/window.go`
 * parses them (UTC): durations round forward to their unit ("7d" is today plus the six days
 * before, midnight to midnight; "24h" ends at the next full hour), `today` ends at midnight.
 */
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const WEEK = 7 * DAY;

export interface Range {
  start: number;
  end: number;
}

const UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: HOUR,
  d: DAY,
  w: WEEK,
};

/** `30m`, `1h`, `1d`, `1w` (and Go-style compounds like `1h30m`); undefined if invalid. */
export function parseDuration(s: string): number | undefined {
  const t = s.trim();
  if (!/^(\d+(\.\d+)?(s|m|h|d|w))+$/.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(s|m|h|d|w)/g))
    ms += Number(m[1]) * UNITS[m[2]];
  return ms;
}

/** Go's time.Duration String() for whole seconds, as errors quote durations ("24h0m0s"). */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return `${h}h${m}m${sec}s`;
  if (m) return `${m}m${sec}s`;
  return `${sec}s`;
}

const floor = (t: number, unit: number) => Math.floor(t / unit) * unit;

export function parseWindow(window: string, nowMs: number): Range {
  const w = window.trim();
  const today = floor(nowMs, DAY);
  const weekStart = today - new Date(today).getUTCDay() * DAY; // weeks start on Sunday
  const d = new Date(today);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  switch (w) {
    case 'today':
      return { start: today, end: today + DAY };
    case 'yesterday':
      return { start: today - DAY, end: today };
    case 'week':
      return { start: weekStart, end: nowMs };
    case 'lastweek':
      return { start: weekStart - WEEK, end: weekStart };
    case 'month':
      return { start: monthStart, end: nowMs };
    case 'lastmonth':
      return {
        start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1),
        end: monthStart,
      };
    default:
  }
  let m = /^(\d+)(m|h|d|w)$/.exec(w);
  if (m) {
    const n = Number(m[1]);
    const unit = UNITS[m[2]];
    // "The past N days" is today plus the N-1 days before, midnight to midnight; weeks end
    // tomorrow at midnight too.
    const end = m[2] === 'w' ? today + DAY : floor(nowMs, unit) + unit;
    return { start: end - n * unit, end };
  }
  m = /^(\d+)(m|h|d|w) offset (\d+)(m|h|d|w)$/.exec(w);
  if (m) {
    // Upstream multiplies a week offset by 24 (sic).
    const off = m[4] === 'w' ? 24 * WEEK : UNITS[m[4]];
    const end = nowMs - Number(m[3]) * off;
    return { start: end - Number(m[1]) * UNITS[m[2]], end };
  }
  m = /^(\d+)[,-](\d+)$/.exec(w);
  if (m) return valid({ start: Number(m[1]) * 1000, end: Number(m[2]) * 1000 });
  const parts = w.split(',');
  if (parts.length === 2) {
    const t = parts.map(p => Date.parse(p.trim()));
    if (t.every(Number.isFinite)) return valid({ start: t[0], end: t[1] });
  }
  throw new Error(`illegal window: ${window}`);
}

function valid(r: Range): Range {
  if (r.end <= r.start) throw new Error(`illegal window: negative or empty`);
  return r;
}

/**
 * OpenCost's step loop: sets of `step` from the window's start while they start before its end;
 * the last one is not clipped (it may reach past the window's end).
 */
export function splitSteps(r: Range, stepMs: number): Range[] {
  const out: Range[] = [];
  for (let s = r.start; s < r.end && out.length < 5000; s += stepMs)
    out.push({ start: s, end: s + stepMs });
  return out;
}

/**
 * Kubecost's ETL sets when no step is given: the precomputed blocks the window overlaps,
 * 24 h blocks aligned to midnight UTC for windows of a day or more, else hourly blocks.
 */
export function etlSteps(r: Range): Range[] {
  const unit = r.end - r.start >= DAY ? DAY : HOUR;
  const start = floor(r.start, unit);
  const end = Math.ceil(r.end / unit) * unit;
  return splitSteps({ start, end }, unit);
}
