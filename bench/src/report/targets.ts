/** Issue 13's bench targets, each with what was measured and whether it was met. */
import type { LevelResult } from '../lib/measure';
import type {
  ListAccounting,
  PluginRun,
  ScaleResult,
  SideBySideResult,
} from '../results';
import { fmt, lat } from './format';
import { memory } from './memoryTargets';
import { levelOf, runOf, SCALE_SVG, verdict, type Target } from './targetParts';

export { SCALE_SVG };

export type { Target } from './targetParts';

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
