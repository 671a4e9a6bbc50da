/** Issue 13's bench targets, each with what was measured and whether it was met. */
import type { LevelResult } from '../lib/measure';
import type {
  ListAccounting,
  PluginRun,
  ScaleResult,
  SideBySideResult,
} from '../results';
import { linearFit } from '../results';
import { fmt, lat } from './format';
import { heapAboveHostPoints } from './svg';

export interface Target {
  id: string;
  target: string;
  measured: string;
  met: 'yes' | 'no' | 'not measured';
}

/** The scale curve's plot, next to the reports. */
export const SCALE_SVG = 'scale.svg';

const verdict = (ok: boolean | undefined): Target['met'] => {
  if (ok === undefined) return 'not measured';
  return ok ? 'yes' : 'no';
};

const runOf = (sbs: SideBySideResult | undefined, plugin: string) =>
  sbs?.runs.find(r => r.plugin === plugin);
const levelOf = (run: PluginRun | undefined, name: RegExp) =>
  run?.levels.find(l => name.test(l.name));
/** RSS after a full garbage collection (the runs before the probe could collect: idle RSS). */
const memoryOf = (run: PluginRun | undefined) =>
  run?.rssAfterGcMb ?? run?.idleRssMb;
const aboveHost = (
  sbs: SideBySideResult | undefined,
  plugin: string,
): number | undefined => {
  const a = memoryOf(runOf(sbs, plugin));
  const host = memoryOf(runOf(sbs, 'none'));
  return a === undefined || host === undefined ? undefined : a - host;
};

function halfOf(
  id: string,
  target: string,
  ours: LevelResult | undefined,
  theirs: LevelResult | undefined,
): Target {
  const a = ours?.pageLatencyMs.p95;
  const b = theirs?.pageLatencyMs.p95;
  if (a === undefined || b === undefined) {
    return { id, target, measured: 'not measured', met: 'not measured' };
  }
  return {
    id,
    target,
    measured: `p95 ${fmt(a)} ms (${ours!.pageViews} views) vs ${fmt(b)} ms (${
      theirs!.pageViews
    } views): ${fmt(a / b, 2)}× theirs; p50 / p95 / p99 ${lat(
      ours!.pageLatencyMs,
    )} vs ${lat(theirs!.pageLatencyMs)} ms`,
    met: verdict(a <= b / 2),
  };
}

function throughput(ours: PluginRun | undefined): Target {
  // The closed loop of our overview with the most viewers (no browser cache).
  const sat = ours?.levels
    .filter(l => /^overview-\d+$/.test(l.name))
    .sort((a, b) => (b.viewers ?? 0) - (a.viewers ?? 0))[0];
  const note =
    sat && sat.viewers !== 50 ? ` (NOT the target's 50 viewers)` : '';
  return {
    id: 'overview-throughput',
    target:
      'overview ≥ 1,000 views/s on one core at saturation (closed loop, 50 viewers)',
    measured: sat
      ? `${fmt(sat.viewsPerSecond, 0)} views/s with ${
          sat.viewers
        } viewers${note}; backend CPU ${fmt(
          sat.backendCpuPercent,
          0,
        )} % of its core, load generator ${fmt(
          sat.loadGeneratorCpuPercent,
          0,
        )} %; p95 ${fmt(sat.pageLatencyMs.p95)} ms; ${
          sat.errorCount
        } errors; every answer a 200 with its body (no browser cache)`
      : 'not measured',
    met: verdict(
      sat ? sat.viewsPerSecond >= 1000 && sat.errorCount === 0 : undefined,
    ),
  };
}

function openLoop(ours: PluginRun | undefined): Target {
  const l = levelOf(ours, /^overview-open-\d+$/);
  const achieved = l ? l.pageViews / l.elapsedS : undefined;
  const note =
    l && l.ratePerSecond !== 500 ? ` (NOT the target's 500 views/s)` : '';
  return {
    id: 'overview-open-loop',
    target: 'overview p95 < 20 ms at an offered 500 views/s (open loop)',
    measured: l
      ? `offered ${l.ratePerSecond} views/s${note}, sent ${fmt(
          achieved,
          0,
        )}/s: p50 / p95 / p99 ${lat(
          l.pageLatencyMs,
        )} ms from the moment each view was due; ${l.errorCount} errors, ${
          l.unfinishedPageViews
        } unfinished; backend CPU ${fmt(l.backendCpuPercent, 0)} %`
      : 'not measured',
    met: verdict(
      l
        ? (l.pageLatencyMs.p95 ?? Infinity) < 20 &&
            l.errorCount === 0 &&
            l.unfinishedPageViews === 0
        : undefined,
    ),
  };
}

function tabCalls(ours: PluginRun | undefined): Target {
  const l = levelOf(ours, /^tab-1$/);
  return {
    id: 'tab-argo-calls',
    target:
      'GitOps tab (every request the tab makes): 0 Argo CD calls per view while nothing changed',
    measured: l
      ? `${l.argo.causedByViews} Argo CD calls caused by ${
          l.pageViews
        } tab views (${
          l.requestsPerView
        } requests each; Argo CD calls by route: ${
          Object.entries(l.argo.byRoute)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'
        }); application changes Argo CD streamed meanwhile: ${
          l.argoChangeEvents ?? '–'
        }`
      : 'not measured',
    met: verdict(l ? l.argo.causedByViews === 0 : undefined),
  };
}

const heapAboveHost = (sbs: SideBySideResult | undefined, plugin: string) => {
  const a = runOf(sbs, plugin)?.heapUsedAfterGcMb;
  const host = runOf(sbs, 'none')?.heapUsedAfterGcMb;
  return a === undefined || host === undefined ? undefined : a - host;
};

function memory(sbs: SideBySideResult | undefined, scale?: ScaleResult) {
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
              .join(', ')}`
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
          )} MB)`
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

function lists(sbs: SideBySideResult | undefined, scale?: ScaleResult): Target {
  const sessions: Array<[string, ListAccounting]> = [];
  const side = runOf(sbs, 'ours')?.lists;
  if (side) sessions.push(['side by side', side]);
  for (const p of scale?.points ?? []) {
    if (p.lists) sessions.push([`scale ${fmt(p.appsPerInstance, 0)}`, p.lists]);
  }
  return {
    id: 'lists-per-hour',
    target:
      'steady state: list calls per hour ≤ instances × 60 / resync minutes (+ reconnects)',
    measured: sessions.length
      ? `${sessions
          .map(
            ([k, l]) =>
              `${k} (resync ${fmt(l.resyncMinutes, 2)} min): ${
                l.laterLists
              } re-lists in ${fmt(l.minutes, 1)} min after the ${
                l.initialLists
              } start-up lists, allowed ${l.allowed} (${fmt(
                l.perHour,
                0,
              )}/h vs ${fmt(l.boundPerHour, 0)}/h)`,
          )
          .join('; ')}; no stream faults injected, so no reconnects allowed for`
      : 'not measured',
    met: verdict(
      sessions.length
        ? sessions.every(([, l]) => l.laterLists <= l.allowed)
        : undefined,
    ),
  };
}

function propagation(ours: PluginRun | undefined): Target {
  const p = ours?.propagation;
  const page = p?.toPageMs;
  return {
    id: 'propagation',
    target:
      'a change upstream reaches the store < 1 s later and an open page < 2 s later (a sync through Argo CD → our overview shows its operation; → the page’s Signals message and the overview it reads)',
    measured: p
      ? `store (overview polled every ${p.pollMs} ms): p50 ${fmt(
          p.toOverviewMs.p50,
          0,
        )} ms, p95 ${fmt(p.toOverviewMs.p95, 0)} ms, max ${fmt(
          p.toOverviewMs.max,
          0,
        )} ms over ${p.samples} syncs; page: ${
          page
            ? `p50 ${fmt(page.p50, 0)} ms, p95 ${fmt(
                page.p95,
                0,
              )} ms, max ${fmt(page.max, 0)} ms over ${page.count} (${
                p.missedSignals ?? 0
              } signals missed)`
            : 'not measured'
        }; the sync call itself p50 ${fmt(p.syncAnswerMs.p50, 0)} ms${
          p.errors.length ? `; ${p.errors.length} failed: ${p.errors[0]}` : ''
        }`
      : 'not measured',
    met: verdict(
      p && p.samples && page
        ? (p.toOverviewMs.p95 ?? Infinity) < 1000 &&
            (page.p95 ?? Infinity) < 2000 &&
            !p.missedSignals &&
            p.errors.length === 0
        : undefined,
    ),
  };
}

function resyncLoop(scale?: ScaleResult): Target {
  const at10k = scale?.points.find(p => p.appsPerInstance === 10_000);
  const w = at10k?.resync?.window;
  const others = (scale?.points ?? [])
    .filter(p => p.resync && p !== at10k)
    .map(
      p =>
        `${fmt(p.appsPerInstance, 0)}: ${fmt(p.resync!.window.delayMs.p99)} ms`,
    )
    .join(', ');
  return {
    id: 'resync-event-loop',
    target:
      'event-loop delay p99 < 20 ms during a full resync of 10,000 apps (per instance)',
    measured: w
      ? `re-list of ${w.lists} instances × 10,000: p99 ${fmt(
          w.delayMs.p99,
        )} ms, max ${fmt(w.delayMs.max)} ms over ${fmt(
          (w.end - w.start) / 1000,
          1,
        )} s (${w.delayMs.count} samples); overview p95 meanwhile ${fmt(
          at10k!.resync!.overviewMs.p95,
        )} ms at ${at10k!.resync!.ratePerSecond} views/s${
          others ? `; other sizes: ${others}` : ''
        }`
      : `not measured${at10k?.error ? `: ${at10k.error}` : ''}${
          others ? ` (other sizes: ${others})` : ''
        }`,
    met: verdict(w ? w.delayMs.p99 < 20 : undefined),
  };
}

export function evaluateTargets(
  sbs: SideBySideResult | undefined,
  scale: ScaleResult | undefined,
): Target[] {
  const ours = runOf(sbs, 'ours');
  return [
    throughput(ours),
    openLoop(ours),
    halfOf(
      'overview-vs-roadie',
      "overview p95 at 1 viewer ≤ half of Roadie's overview card",
      levelOf(ours, /^overview-1$/),
      levelOf(runOf(sbs, 'roadie'), /^roadie-overview-card-1$/),
    ),
    tabCalls(ours),
    halfOf(
      'tab-vs-community',
      'GitOps tab p95 at 1 viewer ≤ half of the community summary tab',
      levelOf(ours, /^tab-1$/),
      levelOf(runOf(sbs, 'community'), /^community-tab-1$/),
    ),
    ...memory(sbs, scale),
    lists(sbs, scale),
    propagation(ours),
    resyncLoop(scale),
  ];
}

export function targetsTable(targets: Target[]): string {
  return [
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...targets.map(
      t =>
        `| ${t.target} | ${t.measured.replace(/\|/g, '\\|')} | ${
          t.met === 'yes' ? 'yes' : `**${t.met}**`
        } |`,
    ),
  ].join('\n');
}
