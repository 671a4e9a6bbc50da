import type { LatencySummary } from '../lib/load';

export const fmt = (v: number | undefined, digits = 1) =>
  v === undefined || Number.isNaN(v)
    ? '–'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits });

/** `p50 / p95 / p99` of a latency summary. */
export const lat = (s: LatencySummary | undefined) =>
  s ? `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)}` : '–';

/** A markdown table from a header and rows (right-aligned columns marked with a leading `>`). */
export function table(header: string[], rows: Array<Array<string | number>>) {
  const align = header.map(h => (h.startsWith('>') ? '---:' : '---'));
  const head = header.map(h => h.replace(/^>/, ''));
  return [
    `| ${head.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map(r => `| ${r.map(String).join(' | ')} |`),
  ].join('\n');
}
