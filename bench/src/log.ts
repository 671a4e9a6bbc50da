/* eslint-disable no-console */
import type { LevelResult } from './lib/measure';
import { lat } from './report/format';

export const log = (...a: unknown[]) =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

export function logLevel(r: LevelResult) {
  const load =
    r.mode === 'open' ? `open ${r.ratePerSecond}/s` : `×${r.viewers}`;
  const caused =
    r.argo.causedByViews !== undefined
      ? `, caused by views ${r.argo.causedByViews}`
      : '';
  log(
    `  ${r.name} (${r.pageLabel} ${load}): ${r.pageViews} views, ${r.viewsPerSecond}/s, ` +
      `${r.requestsPerView} req/view${
        r.notModified ? ` (${r.notModified} × 304)` : ''
      }, Argo ${r.argo.calls} calls${caused}, page ${lat(
        r.pageLatencyMs,
      )} ms, errors ${r.errorCount}, backend CPU ${
        r.backendCpuPercent ?? '–'
      } %, load generator ${r.loadGeneratorCpuPercent} %${
        r.probe ? `, loop p99 ${r.probe.delayMs.p99} ms` : ''
      }${
        r.argoChangeEvents !== undefined
          ? `, Argo changes ${r.argoChangeEvents}`
          : ''
      }`,
  );
  if (r.errorCount) log('    errors:', JSON.stringify(r.errors));
}
