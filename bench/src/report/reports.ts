/** The markdown of bench/results (side-by-side.md, scale.md, targets.md) from the JSON. */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LevelResult } from '../lib/measure';
import {
  communityPage,
  oursOverviewPage,
  oursTabPage,
  roadieOverviewOnlyPage,
  roadiePage,
} from '../lib/pages';
import type { Machine, ScaleResult, SideBySideResult } from '../results';
import { fmt, lat, table } from './format';
import { scaleSvg } from './svg';
import { evaluateTargets, SCALE_SVG, targetsTable } from './targets';

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const machineLine = (m: Machine) =>
  `${m.cpus} cores (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}; ${m.pinning}`;

const load = (l: LevelResult) =>
  l.mode === 'open'
    ? `open loop ${l.ratePerSecond}/s`
    : `${l.viewers} viewer${l.viewers === 1 ? '' : 's'}${
        l.browserCache ? ', browser cache' : ''
      }`;

/** The backend's own calls to its catalog and permission backends (ours, from the probe). */
const ownCalls = (l: LevelResult) => {
  if (!l.probe) return '–';
  const pick = (re: RegExp) =>
    Object.entries(l.probe!.calls)
      .filter(([k]) => re.test(k))
      .reduce((a, [, n]) => a + n, 0);
  return `${pick(/ catalog$/)} / ${pick(/ permission$/)}`;
};

export function levelsTable(levels: LevelResult[]) {
  return table(
    [
      'level',
      'page',
      'load',
      '>page views',
      '>views / s',
      '>requests / view',
      '>304s',
      'Argo CD calls / view',
      '>page p50 / p95 / p99 (ms)',
      '>errors',
      '>backend CPU %',
      '>event loop p99 (ms)',
      'catalog / permission calls',
    ],
    levels.map(l => [
      l.name,
      l.pageLabel,
      load(l),
      fmt(l.pageViews, 0),
      fmt(l.viewsPerSecond, 0),
      fmt(l.requestsPerView, 2),
      fmt(l.notModified, 0),
      `${fmt(l.argo.perView, 2)}${
        l.argo.causedByViews !== undefined
          ? ` (caused by views: ${l.argo.causedByViews})`
          : ''
      }`,
      lat(l.pageLatencyMs),
      `${l.errorCount}${
        l.unfinishedPageViews ? ` (+${l.unfinishedPageViews} unfinished)` : ''
      }`,
      fmt(l.backendCpuPercent, 0),
      fmt(l.probe?.delayMs.p99),
      ownCalls(l),
    ]),
  );
}

export function sideBySideMarkdown(r: SideBySideResult): string {
  const hostRun = r.runs.find(x => x.plugin === 'none');
  const host = hostRun?.rssAfterGcMb;
  const ours = r.runs.find(x => x.plugin === 'ours');
  const s = r.setup;
  return [
    '# Side by side: ours, Roadie and the community in the same host backend',
    '',
    `Measured ${when(r.measuredAt)} with \`${r.command}\` on ${machineLine(
      r.machine,
    )}. ` +
      `Fleet: ${s.instances} Argo CD instances × ${fmt(
        s.appsPerInstance,
        0,
      )} applications; ${s.entities} entities; ` +
      `${s.levelDurationS} s per level. Every run is the same host backend (the app backend's plugin set, ` +
      '`bench/src/backends/host.ts`) with one Argo CD plugin, or none; same config for all four. ' +
      'Targets: [targets.md](targets.md).',
    '',
    '## Levels',
    '',
    levelsTable(r.runs.flatMap(x => x.levels)),
    '',
    'Argo CD calls are counted by the fleet; for ours, "caused by views" is everything but its ' +
      "informers' list and stream. Catalog / permission calls: the backend's own calls to its catalog " +
      'and permission backends during the level; event-loop delay p99: how late a 1 ms timer ran (both from the probe preloaded into every backend). ' +
      "Memory: idle RSS after the warm-up (median of 5 readings over 2 s); the steady idle RSS, which the targets compare: one reading every 5 s while the backend idles, nothing forced; once a reading falls below 85 % of the first (V8 gave back the start-up peak's pages by itself), the median of the next three; " +
      'then RSS and V8 heap used right after a forced full garbage collection (the probe); ' +
      "then RSS right after V8's memory-reducing collection (`gc({flavor: 'last-resort'})`: the compacting collections V8 makes when memory is short), which shows how much of the RSS is pages V8 kept from the start-up's peak rather than data.",
    '',
    '## Memory and start-up',
    '',
    table(
      [
        'run',
        '>start-up to ready (s)',
        '>steady idle RSS (MB)',
        '>above the host, steady (MB)',
        '>idle RSS after the warm-up (MB)',
        '>RSS after a forced full GC (MB)',
        '>above the host, after a GC (MB)',
        '>V8 heap used after a GC (MB)',
        '>RSS after V8’s memory-reducing GC (MB)',
        '>above the host, after that (MB)',
        '>idle CPU %',
        '>RSS after the levels (MB)',
      ],
      r.runs.map(x => [
        x.plugin === 'none' ? 'host without an Argo CD plugin' : x.plugin,
        fmt(x.startupMs / 1000, 1),
        fmt(x.steadyRss?.mb, 0),
        hostRun?.steadyRss?.mb !== undefined &&
        x.steadyRss?.mb !== undefined &&
        x.plugin !== 'none'
          ? fmt(x.steadyRss.mb - hostRun.steadyRss.mb, 0)
          : '–',
        fmt(x.idleRssMb, 0),
        fmt(x.rssAfterGcMb, 0),
        host !== undefined &&
        x.rssAfterGcMb !== undefined &&
        x.plugin !== 'none'
          ? fmt(x.rssAfterGcMb - host, 0)
          : '–',
        fmt(x.heapUsedAfterGcMb, 0),
        fmt(x.rssReducedMb, 0),
        hostRun?.rssReducedMb !== undefined &&
        x.rssReducedMb !== undefined &&
        x.plugin !== 'none'
          ? fmt(x.rssReducedMb - hostRun.rssReducedMb, 0)
          : '–',
        fmt(x.idleCpuPercent, 0),
        fmt(x.rssAfterLoadMb, 0),
      ]),
    ),
    '',
    ...(ours?.propagation
      ? [
          '## Ours: upstream change → store → open page',
          '',
          `${ours.propagation.samples} syncs through the simulated Argo CD's API, each until our overview showed the operation (polled every ${ours.propagation.pollMs} ms): ` +
            `p50 / p95 / p99 ${lat(
              ours.propagation.toOverviewMs,
            )} ms; the sync call alone ${lat(
              ours.propagation.syncAnswerMs,
            )} ms. Change → open page (the entity's Signals message on a websocket, then the overview the page reads): ${lat(
              ours.propagation.toPageMs,
            )} ms, ${ours.propagation.missedSignals ?? '–'} signals missed.${
              ours.propagation.errors.length
                ? ` Errors: ${ours.propagation.errors.join('; ')}.`
                : ''
            }`,
          '',
        ]
      : []),
    ...(ours?.lists
      ? [
          `Full lists: ${ours.lists.initialLists} at start-up, ${
            ours.lists.laterLists
          } in the ${fmt(ours.lists.minutes, 1)} min after (resync every ${
            ours.lists.resyncMinutes
          } min). Warm-up (every entity's GitOps tab, pass after pass until one makes no Argo CD call): ${Object.entries(
            ours.warmUp ?? {},
          )
            .map(([k, v]) =>
              k.endsWith('Ms')
                ? `${k.replace(/Ms$/, '')} ${fmt(v, 0)} ms`
                : `${k.replace(/ArgoCalls$/, '')} ${fmt(v, 0)} Argo CD calls`,
            )
            .join(', ')}.`,
          '',
        ]
      : []),
    '## What each page view requests',
    '',
    ...[
      oursOverviewPage,
      oursTabPage,
      roadieOverviewOnlyPage,
      roadiePage,
      communityPage(['<each instance>']),
    ].map(p => `- **${p.label}**: ${p.requests}`),
    '',
  ].join('\n');
}

export function scaleMarkdown(r: ScaleResult): string {
  const rows = r.points.map(p => {
    const one = p.levels.find(l => l.viewers === 1);
    const many = p.levels.find(l => (l.viewers ?? 0) > 1);
    const w = p.resync?.window;
    return [
      fmt(p.appsPerInstance, 0),
      fmt(p.totalApps, 0),
      p.entities,
      fmt((p.startupMs ?? 0) / 1000, 1),
      fmt(p.steadyRss?.mb, 0),
      fmt(p.aboveHostSteadyMb, 0),
      fmt(p.idleRssMb, 0),
      fmt(p.rssAfterGcMb, 0),
      fmt(p.aboveHostMb, 0),
      fmt(p.heapUsedAfterGcMb, 0),
      fmt(p.aboveHostReducedMb, 0),
      fmt(p.peakRssDuringResyncMb, 0),
      lat(one?.pageLatencyMs),
      many ? `${fmt(many.viewsPerSecond, 0)} (${many.viewers} viewers)` : '–',
      w ? `${fmt((w.end - w.start) / 1000, 1)} s, ${w.lists} lists` : '–',
      w ? `${fmt(w.delayMs.p99)} / ${fmt(w.delayMs.max)}` : '–',
      p.resync ? fmt(p.resync.overviewMs.p95) : '–',
      p.levelsWithRelist.join(', ') || '–',
      fmt(p.fleetRssMb, 0),
      p.error ?? '',
    ];
  });
  return [
    '# Scale curve: our backend, 100 → 10,000 applications per instance',
    '',
    `Measured ${when(r.measuredAt)} with \`${r.command}\` on ${machineLine(
      r.machine,
    )}. ` +
      `${r.setup.instances} Argo CD instances; a fresh fleet and backend per row (the host with our plugin), ` +
      `\`gitops.argocd.resyncMinutes: ${r.setup.resyncMinutes}\` so that a full re-list happens while the bench watches; ` +
      `${
        r.setup.levelDurationS
      } s per level. Host RSS without an Argo CD plugin: steady ${fmt(
        r.hostSteadyRssMb,
        0,
      )} MB, after a full GC ${fmt(r.hostRssMb, 0)} MB (${r.hostRssFrom}). ` +
      'Steady idle RSS: one reading every 5 s while the backend idles after the warm-up, before the first re-list, nothing forced; ' +
      'once a reading falls below 85 % of the first (V8 gave back the pages of the busy phase), the median of the next three. ' +
      `Plot: [${SCALE_SVG}](${SCALE_SVG}). Targets: [targets.md](targets.md).`,
    '',
    table(
      [
        '>apps / instance',
        '>apps',
        '>entities',
        '>start-up (s)',
        '>steady idle RSS (MB)',
        '>above the host, steady (MB)',
        '>idle RSS after the warm-up (MB)',
        '>RSS after a forced full GC (MB)',
        '>above the host, after a GC (MB)',
        '>V8 heap used after a GC (MB)',
        '>above the host after V8’s memory-reducing GC (MB)',
        '>peak RSS during the re-list (MB)',
        '>overview p50 / p95 / p99, 1 viewer (ms)',
        '>overview views / s',
        '>re-list window',
        '>event loop p99 / max during the re-list (ms)',
        `>overview p95 during the re-list (ms)`,
        'levels a re-list overlapped',
        '>fleet RSS (MB)',
        'error',
      ],
      rows,
    ),
    '',
    'The re-list window runs from the first list request to 2 s after the last list body arrived ' +
      '(the store and views are updated right after it); its event-loop delay comes from ' +
      '`perf_hooks.monitorEventLoopDelay` in the probe preloaded into our backend; a light open loop ' +
      'of overview views runs meanwhile.',
    '',
  ].join('\n');
}

export function targetsMarkdown(
  sbs: SideBySideResult | undefined,
  scale: ScaleResult | undefined,
) {
  const targets = evaluateTargets(sbs, scale);
  return {
    targets,
    markdown: [
      '# Issue 13: bench targets',
      '',
      `Reproduce: \`${
        sbs?.command ?? scale?.command ?? 'bench/run.sh'
      }\` (both tables; two replicas: \`bench/replicas/run.sh\`). ` +
        `From [side-by-side.md](side-by-side.md) (${
          sbs ? when(sbs.measuredAt) : 'not run'
        }) and ` +
        `[scale.md](scale.md) (${scale ? when(scale.measuredAt) : 'not run'}).`,
      '',
      targetsTable(targets),
      '',
    ].join('\n'),
  };
}

/** Writes every report there is JSON for (and the JSON given); answers the targets. */
export async function writeReports(
  out: string,
  fresh: { sideBySide?: SideBySideResult; scale?: ScaleResult } = {},
) {
  await fs.mkdir(out, { recursive: true });
  const read = async <T>(name: string): Promise<T | undefined> => {
    const text = await fs
      .readFile(path.join(out, name), 'utf8')
      .catch(() => '');
    const json = text ? JSON.parse(text) : undefined;
    // JSON of the previous design (another shape) is not read.
    return json?.runs || (json?.kind === 'scale' && json.setup?.resyncMinutes)
      ? json
      : undefined;
  };
  const write = (name: string, text: string) =>
    fs.writeFile(path.join(out, name), text);
  const sbs =
    fresh.sideBySide ?? (await read<SideBySideResult>('side-by-side.json'));
  const scale = fresh.scale ?? (await read<ScaleResult>('scale.json'));
  if (fresh.sideBySide)
    await write('side-by-side.json', `${JSON.stringify(sbs, null, 2)}\n`);
  if (fresh.scale)
    await write('scale.json', `${JSON.stringify(scale, null, 2)}\n`);
  if (sbs) await write('side-by-side.md', sideBySideMarkdown(sbs));
  if (scale) {
    await write('scale.md', scaleMarkdown(scale));
    await write(
      SCALE_SVG,
      scaleSvg(
        scale,
        sbs?.runs.find(x => x.plugin === 'none')?.heapUsedAfterGcMb,
      ),
    );
  }
  const { targets, markdown } = targetsMarkdown(sbs, scale);
  await write('targets.md', markdown);
  await write('targets.json', `${JSON.stringify(targets, null, 2)}\n`);
  return targets;
}
