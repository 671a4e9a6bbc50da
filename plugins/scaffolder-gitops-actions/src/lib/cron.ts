const DESCRIPTORS = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);

// minute, hour, day of month, month, day of week
const RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function validField(field: string, [min, max]: [number, number]): boolean {
  return field.split(',').every(part => {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return false;
    const [, , from, to, step] = m;
    if (step !== undefined && Number(step) < 1) return false;
    if (from === undefined) return true;
    const a = Number(from);
    const b = to === undefined ? a : Number(to);
    return a >= min && b <= max && a <= b;
  });
}

/**
 * True for a cron expression Velero accepts: five fields (minute hour day-of-month month
 * day-of-week, numeric with `*`, ranges, lists and steps), a descriptor such as `@daily`,
 * or `@every <duration>`.
 */
export function isValidCron(expression: string): boolean {
  const value = expression.trim();
  if (DESCRIPTORS.has(value)) return true;
  if (value.startsWith('@every ')) {
    return /^(\d+(ns|us|µs|ms|s|m|h))+$/.test(value.slice(7).trim());
  }
  const fields = value.split(/\s+/);
  return (
    fields.length === 5 && fields.every((f, i) => validField(f, RANGES[i]))
  );
}
