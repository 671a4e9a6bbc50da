import type { LatencySummary } from './load';
import type { LevelResult } from './measure';

export const fmt = (v: number | undefined, digits = 1) =>
  v === undefined
    ? '–'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits });

export const lat = (s: LatencySummary) =>
  `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)}`;

const OVERVIEW_ROUTE =
  'GET /api/gitops/entities/:kind/:namespace/:name/overview';

/** The main table: one row per backend page model and level. */
export function levelTable(rows: LevelResult[]): string {
  const out = [
    '| backend — page | viewers | page views | browser→backend requests / view | Argo calls / view | Argo calls / min | page load p50 / p95 / p99 (ms) | errors | RSS (MB) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    out.push(
      `| ${r.pageLabel} | ${r.viewers} | ${fmt(r.pageViews, 0)} | ${fmt(
        r.requestsPerView,
        2,
      )} | ${fmt(r.argo.perView, 2)}${
        r.argo.causedByPageViews !== undefined
          ? ` (caused by views: ${r.argo.causedByPageViews})`
          : ''
      } | ${fmt(r.argo.perMinute, 0)} | ${lat(r.pageLatencyMs)} | ${
        r.errorCount
      }${
        r.unfinishedPageViews
          ? ` (+${r.unfinishedPageViews} pages unfinished 30 s after the end)`
          : ''
      } | ${fmt(r.rssMb, 0)} |`,
    );
  }
  return out.join('\n');
}

/** Our overview request alone, per level. */
export function overviewTable(rows: LevelResult[]): string {
  const out = [
    '| mode | viewers | overview requests | overview p50 / p95 / p99 (ms) | page views / s |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const s = r.routeLatencyMs[OVERVIEW_ROUTE];
    if (!s) continue;
    out.push(
      `| ${
        r.mode === 'viewers'
          ? `viewers (page open ${r.dwellMs / 1000} s)`
          : 'closed loop (no think time)'
      } | ${r.viewers} | ${fmt(s.count, 0)} | ${lat(s)} | ${fmt(
        r.pageViews / r.elapsedS,
        1,
      )} |`,
    );
  }
  return out.join('\n');
}

export function overviewLatency(r: LevelResult): LatencySummary | undefined {
  return r.routeLatencyMs[OVERVIEW_ROUTE];
}

/** Argo calls per route, per row (what each backend asks Argo CD for). */
export function routesTable(rows: LevelResult[]): string {
  const out = [
    '| backend — page | viewers | Argo calls by route |',
    '| --- | ---: | --- |',
  ];
  for (const r of rows) {
    const routes = Object.entries(r.argo.byRoute)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `\`${k}\` ${v}`)
      .join(', ');
    out.push(`| ${r.pageLabel} | ${r.viewers} | ${routes || 'none'} |`);
  }
  return out.join('\n');
}
