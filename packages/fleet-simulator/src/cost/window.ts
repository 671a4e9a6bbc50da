/** Parses Kubecost/OpenCost `window` and `step` values into absolute time ranges. */
const DAY = 86_400_000;

export function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m|h|d|w)$/.exec(s.trim());
  if (!m) return undefined;
  const unit = { m: 60_000, h: 3_600_000, d: DAY, w: 7 * DAY }[
    m[2] as 'm' | 'h' | 'd' | 'w'
  ];
  return Number(m[1]) * unit;
}

const startOfDay = (t: number) => Math.floor(t / DAY) * DAY;

export function parseWindow(
  window: string,
  nowMs: number,
): { start: number; end: number } {
  const w = window.trim();
  const today = startOfDay(nowMs);
  const weekStart = today - new Date(today).getUTCDay() * DAY; // weeks start on Sunday
  const d = new Date(today);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  switch (w) {
    case 'today':
      return { start: today, end: nowMs };
    case 'yesterday':
      return { start: today - DAY, end: today };
    case 'week':
      return { start: weekStart, end: nowMs };
    case 'lastweek':
      return { start: weekStart - 7 * DAY, end: weekStart };
    case 'month':
      return { start: monthStart, end: nowMs };
    case 'lastmonth':
      return {
        start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1),
        end: monthStart,
      };
    default:
  }
  const dur = parseDuration(w);
  if (dur !== undefined) return { start: nowMs - dur, end: nowMs };
  const parts = w.split(',');
  if (parts.length === 2) {
    const t = parts.map(p =>
      /^\d+$/.test(p.trim()) ? Number(p) * 1000 : Date.parse(p.trim()),
    );
    if (t.every(Number.isFinite) && t[0] < t[1])
      return { start: t[0], end: t[1] };
  }
  throw new Error(`invalid window: ${window}`);
}

/** Splits [start, end) into consecutive steps; the last step may be shorter. */
export function splitSteps(
  start: number,
  end: number,
  stepMs?: number,
): Array<{ start: number; end: number }> {
  if (!stepMs || stepMs <= 0 || stepMs >= end - start) return [{ start, end }];
  const out: Array<{ start: number; end: number }> = [];
  for (let s = start; s < end && out.length < 1000; s += stepMs)
    out.push({ start: s, end: Math.min(end, s + stepMs) });
  return out;
}
