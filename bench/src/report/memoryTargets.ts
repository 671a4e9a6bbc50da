/**
 * The memory targets: RSS above the host at 5 × 2,000 and 5 × 10,000, and the scale curve. They
 * judge the steady idle RSS (nothing forced: V8 has given back the start-up peak's pages by
 * itself); the RSS right after a forced full GC, V8's heap and the RSS after its memory-reducing
 * GC are reported beside them (bench/README, finding 2).
 */
import type { ScaleResult, SideBySideResult } from '../results';
import { linearFit } from '../results';
import { fmt } from './format';
import { heapAboveHostPoints } from './svg';
import {
  aboveHost,
  heapUsed,
  rssAfterGc,
  rssReduced,
  runOf,
  SCALE_SVG,
  steadyRss,
  verdict,
  type RssReading,
  type Target,
} from './targetParts';

const PLUGINS = ['ours', 'roadie', 'community'];

/** "ours 91 MB, roadie 2 MB, community 5 MB" above the host, by one reading. */
const eachAbove = (sbs: SideBySideResult | undefined, reading: RssReading) =>
  PLUGINS.map(p => `${p} ${fmt(aboveHost(sbs, p, reading), 0)} MB`).join(', ');

const hostReading = (
  sbs: SideBySideResult | undefined,
  reading: RssReading,
) => {
  const host = runOf(sbs, 'none');
  return fmt(host && reading(host), 0);
};

function at2000(sbs: SideBySideResult | undefined): Target {
  const ours = aboveHost(sbs, 'ours');
  const anchors = ['roadie', 'community']
    .map(p => ({ p, mb: aboveHost(sbs, p) }))
    .filter((a): a is { p: string; mb: number } => a.mb !== undefined);
  const lightest = anchors.sort((a, b) => a.mb - b.mb)[0];
  const size = sbs
    ? `${sbs.setup.instances} × ${fmt(sbs.setup.appsPerInstance, 0)}`
    : '5 × 2,000';
  const fell = runOf(sbs, 'ours')?.steadyRss?.fellAtS;
  return {
    id: 'memory-2000',
    target: `memory above the host at 5 × 2,000 apps ≤ the lightest anchor plugin's + 100 MB`,
    measured:
      ours !== undefined && lightest
        ? `at ${size}, steady idle RSS (nothing forced${
            fell !== undefined
              ? `; ours gave memory back ${fell} s into its idle wait`
              : ''
          }): ${eachAbove(sbs, steadyRss)} above the host (${hostReading(
            sbs,
            steadyRss,
          )} MB); bound ${fmt(
            lightest.mb + 100,
            0,
          )} MB. Right after a forced full GC: ${eachAbove(
            sbs,
            rssAfterGc,
          )} above the host's ${hostReading(
            sbs,
            rssAfterGc,
          )} MB; V8 heap used then: ${eachAbove(
            sbs,
            heapUsed,
          )}. After V8's memory-reducing GC: ${eachAbove(
            sbs,
            rssReduced,
          )} above the host's ${hostReading(sbs, rssReduced)} MB`
        : 'not measured',
    met: verdict(
      ours !== undefined && lightest ? ours <= lightest.mb + 100 : undefined,
    ),
  };
}

function at10000(
  sbs: SideBySideResult | undefined,
  scale: ScaleResult | undefined,
): Target {
  const p = scale?.points.find(x => x.appsPerInstance === 10_000);
  return {
    id: 'memory-10000',
    target: 'memory above the host at 5 × 10,000 apps < 300 MB',
    measured:
      p?.aboveHostSteadyMb !== undefined
        ? `${fmt(
            p.aboveHostSteadyMb,
            0,
          )} MB above the host, steady idle RSS ${fmt(
            p.steadyRss?.mb,
            0,
          )} MB (host ${fmt(
            scale?.hostSteadyRssMb,
            0,
          )} MB). Right after a forced full GC: ${fmt(
            p.aboveHostMb,
            0,
          )} MB above the host (RSS ${fmt(p.rssAfterGcMb, 0)} MB, ${fmt(
            p.idleRssMb,
            0,
          )} MB idle before it, ${fmt(
            p.peakRssDuringResyncMb,
            0,
          )} MB peak during a re-list); V8 heap used then ${fmt(
            p.heapUsedAfterGcMb,
            0,
          )} MB (the host's: ${fmt(
            runOf(sbs, 'none')?.heapUsedAfterGcMb,
            0,
          )} MB); after V8's memory-reducing GC: ${fmt(
            p.aboveHostReducedMb,
            0,
          )} MB above the host's ${fmt(scale?.hostRssReducedMb, 0)} MB`
        : `not measured${p?.error ? `: ${p.error}` : ''}`,
    met: verdict(
      p?.aboveHostSteadyMb !== undefined
        ? p.aboveHostSteadyMb < 300
        : undefined,
    ),
  };
}

function linear(
  sbs: SideBySideResult | undefined,
  scale: ScaleResult | undefined,
): Target {
  const points =
    scale?.points.filter(p => p.aboveHostSteadyMb !== undefined) ?? [];
  const spans =
    points.length >= 3 &&
    points[0].appsPerInstance <= 100 &&
    points[points.length - 1].appsPerInstance >= 10_000;
  const fit = scale?.fit;
  const hostHeap = runOf(sbs, 'none')?.heapUsedAfterGcMb;
  const heap = scale ? heapAboveHostPoints(scale, hostHeap) : [];
  const heapFit = linearFit(heap.map(p => ({ x: p.totalApps, y: p.mb })));
  const heapText = heapFit
    ? `. V8 heap used after a full GC above the host's (live data): ${heap
        .map(p => `${fmt(p.perInstance, 0)}: ${fmt(p.mb, 0)} MB`)
        .join(', ')}; ${fmt(
        heapFit.slopeMbPer1000Apps,
        2,
      )} MB per 1,000 apps + ${fmt(heapFit.interceptMb, 0)} MB, R² ${fmt(
        heapFit.r2,
        3,
      )}`
    : '';
  return {
    id: 'memory-linear',
    target:
      'the scale curve (100 → 10,000 apps per instance) grows linearly, plotted',
    measured: fit
      ? `steady idle RSS above the host: ${points
          .map(
            p =>
              `${fmt(p.appsPerInstance, 0)}: ${fmt(p.aboveHostSteadyMb, 0)} MB`,
          )
          .join(', ')}; least squares ${fmt(
          fit.slopeMbPer1000Apps,
          2,
        )} MB per 1,000 apps + ${fmt(fit.interceptMb, 0)} MB, R² ${fmt(
          fit.r2,
          3,
        )}, worst point ${fmt(
          fit.maxRelativeResidual * 100,
          0,
        )} % off the line${heapText}; plot: [${SCALE_SVG}](${SCALE_SVG})${
          spans ? '' : ' (the points do not span 100 → 10,000)'
        }`
      : 'not measured',
    met: verdict(fit && spans ? fit.r2 >= 0.95 : undefined),
  };
}

export function memory(sbs: SideBySideResult | undefined, scale?: ScaleResult) {
  return [at2000(sbs), at10000(sbs, scale), linear(sbs, scale)];
}
