/** What the bench's targets share: the verdict and where a run's numbers are. */
import type { PluginRun, SideBySideResult } from '../results';

export interface Target {
  id: string;
  target: string;
  measured: string;
  met: 'yes' | 'no' | 'not measured';
}

/** The scale curve's plot, next to the reports. */
export const SCALE_SVG = 'scale.svg';

export const verdict = (ok: boolean | undefined): Target['met'] => {
  if (ok === undefined) return 'not measured';
  return ok ? 'yes' : 'no';
};

export const runOf = (sbs: SideBySideResult | undefined, plugin: string) =>
  sbs?.runs.find(r => r.plugin === plugin);
export const levelOf = (run: PluginRun | undefined, name: RegExp) =>
  run?.levels.find(l => name.test(l.name));
/** A run's RSS by one of its readings. */
export type RssReading = (run: PluginRun) => number | undefined;
/**
 * What the targets judge: the steady idle RSS, once V8 has given back the start-up peak's pages
 * by itself (results from before it was read: RSS after a full GC, then idle RSS).
 */
export const steadyRss: RssReading = run =>
  run.steadyRss?.mb ?? run.rssAfterGcMb ?? run.idleRssMb;
export const rssAfterGc: RssReading = run => run.rssAfterGcMb;
export const rssReduced: RssReading = run => run.rssReducedMb;
export const heapUsed: RssReading = run => run.heapUsedAfterGcMb;
/** `plugin`'s reading above the host's same reading (the run without an Argo CD plugin). */
export const aboveHost = (
  sbs: SideBySideResult | undefined,
  plugin: string,
  reading: RssReading = steadyRss,
): number | undefined => {
  const run = runOf(sbs, plugin);
  const hostRun = runOf(sbs, 'none');
  const a = run && reading(run);
  const host = hostRun && reading(hostRun);
  return a === undefined || host === undefined ? undefined : a - host;
};
