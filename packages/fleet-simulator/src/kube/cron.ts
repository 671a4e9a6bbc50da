/** Minimal 5-field cron (minute hour day-of-month month day-of-week), evaluated in UTC. */
const RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

function parseField(f: string, [lo, hi]: [number, number]): Set<number> {
  const out = new Set<number>();
  for (const part of f.split(',')) {
    const [range, stepStr] = part.split('/');
    const step = stepStr ? Number(stepStr) : 1;
    let a = lo;
    let b = hi;
    if (range !== '*') {
      const [x, y] = range.split('-').map(Number);
      a = x;
      b = y ?? (stepStr ? hi : x);
    }
    if (![a, b, step].every(Number.isFinite) || step < 1)
      throw new Error(`invalid cron field ${f}`);
    for (let v = a; v <= b; v += step) out.add(v === 7 && hi === 6 ? 0 : v);
  }
  return out;
}

export function nextCronTime(expr: string, afterMs: number): number {
  const macros: Record<string, string> = {
    '@daily': '0 0 * * *',
    '@hourly': '0 * * * *',
    '@weekly': '0 0 * * 0',
  };
  const fields = (macros[expr.trim()] ?? expr).trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`invalid cron expression ${expr}`);
  const [min, hour, dom, mon, dow] = fields.map((f, i) =>
    parseField(f, RANGES[i]),
  );
  let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
  const limit = t + 366 * 86_400_000;
  while (t < limit) {
    const d = new Date(t);
    if (
      !mon.has(d.getUTCMonth() + 1) ||
      !dom.has(d.getUTCDate()) ||
      !dow.has(d.getUTCDay())
    ) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    } else if (!hour.has(d.getUTCHours())) {
      t = Date.UTC(
        d.getUTCFullYear(),
        d.getUTCMonth(),
        d.getUTCDate(),
        d.getUTCHours() + 1,
      );
    } else if (!min.has(d.getUTCMinutes())) {
      t += 60_000;
    } else return t;
  }
  throw new Error(`cron expression ${expr} never fires`);
}
