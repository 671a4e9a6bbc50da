import type { EstateCost } from '@internal/backstage-plugin-gitops-common';

/** The chargeback export's columns, in order. */
export const COST_CSV_COLUMNS = [
  'kind',
  'entity_ref',
  'environment',
  'cluster',
  'window',
  'currency',
  'total',
  'cpu',
  'ram',
  'pv',
  'network',
  'efficiency',
] as const;

type Cell = string | number | undefined;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes
 * doubled. A text starting with `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet
 * never runs it as a formula; numbers are written as they are.
 */
export function csvField(value: Cell): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A row with every column (empty fields for what a row does not have). */
const line = (cells: Cell[]) =>
  Array.from({ length: COST_CSV_COLUMNS.length }, (_, i) =>
    csvField(cells[i]),
  ).join(',');

/**
 * The estate's cost for chargeback: a header row, one row per service × environment
 * (`kind` = `service`), then what the cost engines report apart from workloads per cluster
 * (`kind` = `idle` or `unallocated`, no service), never split across services.
 */
export function costCsv(cost: EstateCost): string {
  const currency = cost.currency;
  const rows = [line([...COST_CSV_COLUMNS])];
  for (const r of cost.rows) {
    rows.push(
      line([
        'service',
        r.entityRef,
        r.environment,
        undefined,
        cost.window,
        currency,
        r.total,
        r.cpu,
        r.ram,
        r.pv,
        r.network,
        r.efficiency,
      ]),
    );
  }
  for (const apart of cost.apart) {
    for (const kind of ['idle', 'unallocated'] as const) {
      const total = apart[kind];
      if (total === undefined) continue;
      rows.push(
        line([
          kind,
          undefined,
          undefined,
          apart.cluster,
          cost.window,
          currency,
          total,
        ]),
      );
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}
