/** The memory targets: RSS above the host at 5 × 2,000 and 5 × 10,000, and the scale curve. */
import type { ScaleResult, SideBySideResult } from '../results';
import { linearFit } from '../results';
import { fmt } from './format';
import { heapAboveHostPoints } from './svg';
import {
  aboveHost,
  memoryOf,
  runOf,
  SCALE_SVG,
  verdict,
  type Target,
} from './targetParts';

const reducedAboveHost = (
  sbs: SideBySideResult | undefined,
  plugin: string,
) => {
  const a = runOf(sbs, plugin)?.rssReducedMb;
  const host = runOf(sbs, 'none')?.rssReducedMb;
  return a === undefined || host === undefined ? undefined : a - host;
};

const heapAboveHost = (sbs: SideBySideResult | undefined, plugin: string) => {
  const a = runOf(sbs, plugin)?.heapUsedAfterGcMb;
  const host = runOf(sbs, 'none')?.heapUsedAfterGcMb;
  return a === undefined || host === undefined ? undefined : a - host;
};

export function memory(sbs: SideBySideResult | undefined, scale?: ScaleResult) {
  const ours = aboveHost(sbs, 'ours');
  const anchors = ['roadie', 'community']
    .map(p => ({ p, mb: aboveHost(sbs, p) }))
    .filter((a): a is { p: string; mb: number } => a.mb !== undefined);
  const lightest = anchors.sort((a, b) => a.mb - b.mb)[0];
  const size = sbs
    ? `${sbs.setup.instances} × ${fmt(sbs.setup.appsPerInstance, 0)}`
    : '5 × 2,000';
  const out: Target[] = [
    {
      id: 'memory-2000',
      target: `memory above the host at 5 × 2,000 apps ≤ the lightest anchor plugin's + 100 MB`,
      measured:
        ours !== undefined && lightest
          ? `at ${size}, RSS after a full GC, idle: ours ${fmt(
              ours,
              0,
            )} MB above the host (${fmt(
              memoryOf(runOf(sbs, 'none')),
              0,
            )} MB), ${anchors
              .map(a => `${a.p} ${fmt(a.mb, 0)} MB`)
              .join(', ')}; bound ${fmt(
              lightest.mb + 100,
              0,
            )} MB. V8 heap used after the GC, above the host's: ${[
              'ours',
              'roadie',
              'community',
            ]
              .map(p => `${p} ${fmt(heapAboveHost(sbs, p), 0)} MB`)
              .join(
                ', ',
              )}. After V8's memory-reducing GC (not what the target judges): ${[
              'ours',
              'roadie',
              'community',
            ]
              .map(p => `${p} ${fmt(reducedAboveHost(sbs, p), 0)} MB`)
              .join(', ')} above the host's ${fmt(
              runOf(sbs, 'none')?.rssReducedMb,
              0,
            )} MB`
          : 'not measured',
      met: verdict(
        ours !== undefined && lightest ? ours <= lightest.mb + 100 : undefined,
      ),
    },
  ];
  const at10k = scale?.points.find(p => p.appsPerInstance === 10_000);
  out.push({
    id: 'memory-10000',
    target: 'memory above the host at 5 × 10,000 apps < 300 MB',
    measured:
      at10k?.aboveHostMb !== undefined
        ? `${fmt(at10k.aboveHostMb, 0)} MB above the host (RSS ${fmt(
            at10k.rssAfterGcMb,
            0,
          )} MB after a full GC, ${fmt(
            at10k.idleRssMb,
            0,
          )} MB idle before it, ${fmt(
            at10k.peakRssDuringResyncMb,
            0,
          )} MB peak during a re-list, host ${fmt(
            scale?.hostRssMb,
            0,
          )} MB); V8 heap used after the GC ${fmt(
            at10k.heapUsedAfterGcMb,
            0,
          )} MB (the host's: ${fmt(
            runOf(sbs, 'none')?.heapUsedAfterGcMb,
            0,
          )} MB); after V8's memory-reducing GC (not what the target judges): ${fmt(
            at10k.aboveHostReducedMb,
            0,
          )} MB above the host's ${fmt(scale?.hostRssReducedMb, 0)} MB`
        : `not measured${at10k?.error ? `: ${at10k.error}` : ''}`,
    met: verdict(
      at10k?.aboveHostMb !== undefined ? at10k.aboveHostMb < 300 : undefined,
    ),
  });
  const points = scale?.points.filter(p => p.aboveHostMb !== undefined) ?? [];
  const spans =
    points.length >= 3 &&
    points[0].appsPerInstance <= 100 &&
    points[points.length - 1].appsPerInstance >= 10_000;
  const fit = scale?.fit;
  const heap = scale
    ? heapAboveHostPoints(scale, runOf(sbs, 'none')?.heapUsedAfterGcMb)
    : [];
  const heapFit = linearFit(heap.map(p => ({ x: p.totalApps, y: p.mb })));
  out.push({
    id: 'memory-linear',
    target:
      'the scale curve (100 → 10,000 apps per instance) grows linearly, plotted',
    measured: fit
      ? `${points
          .map(p => `${fmt(p.appsPerInstance, 0)}: ${fmt(p.aboveHostMb, 0)} MB`)
          .join(', ')}; least squares ${fmt(
          fit.slopeMbPer1000Apps,
          2,
        )} MB per 1,000 apps + ${fmt(fit.interceptMb, 0)} MB, R² ${fmt(
          fit.r2,
          3,
        )}, worst point ${fmt(
          fit.maxRelativeResidual * 100,
          0,
        )} % off the line${
          heapFit
            ? `. V8 heap used after the GC above the host's (live data): ${heap
                .map(p => `${fmt(p.perInstance, 0)}: ${fmt(p.mb, 0)} MB`)
                .join(', ')}; ${fmt(
                heapFit.slopeMbPer1000Apps,
                2,
              )} MB per 1,000 apps + ${fmt(
                heapFit.interceptMb,
                0,
              )} MB, R² ${fmt(heapFit.r2, 3)}`
            : ''
        }; plot: [${SCALE_SVG}](${SCALE_SVG})${
          spans ? '' : ' (the points do not span 100 → 10,000)'
        }`
      : 'not measured',
    met: verdict(fit && spans ? fit.r2 >= 0.95 : undefined),
  });
  return out;
}
