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
/** RSS after a full garbage collection (the runs before the probe could collect: idle RSS). */
export const memoryOf = (run: PluginRun | undefined) =>
  run?.rssAfterGcMb ?? run?.idleRssMb;
export const aboveHost = (
  sbs: SideBySideResult | undefined,
  plugin: string,
): number | undefined => {
  const a = memoryOf(runOf(sbs, plugin));
  const host = memoryOf(runOf(sbs, 'none'));
  return a === undefined || host === undefined ? undefined : a - host;
};
