/** The scale curve as an SVG, written by hand (no plotting dependency). */
import { linearFit, type ScaleResult } from '../results';

const W = 720;
const H = 440;
const M = { left: 70, right: 60, top: 50, bottom: 60 };

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Round numbers for axis ticks: 1, 2 or 5 × 10^n steps. */
function ticks(max: number, count = 5): number[] {
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map(m => m * mag).find(s => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step)
    out.push(Math.round(v * 1e6) / 1e6);
  // The last tick at or above the largest value: the axis holds every point.
  if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
  return out;
}

/** Live data only: V8 heap used after a full GC above the host's (when it is known). */
export function heapAboveHostPoints(r: ScaleResult, hostHeapMb?: number) {
  if (hostHeapMb === undefined) return [];
  return r.points
    .filter(p => p.heapUsedAfterGcMb !== undefined)
    .map(p => ({
      perInstance: p.appsPerInstance,
      totalApps: p.totalApps,
      mb: p.heapUsedAfterGcMb! - hostHeapMb,
    }));
}

export function scaleSvg(r: ScaleResult, hostHeapMb?: number): string {
  const heap = heapAboveHostPoints(r, hostHeapMb);
  const heapFit = linearFit(heap.map(p => ({ x: p.totalApps, y: p.mb })));
  const points = r.points
    .filter(p => p.aboveHostSteadyMb !== undefined)
    .map(p => ({
      x: p.appsPerInstance,
      y: p.aboveHostSteadyMb!,
      peak: p.peakRssDuringResyncMb,
    }));
  const instances = r.setup.instances;
  const xMax = Math.max(10_000, ...points.map(p => p.x));
  const yMax = Math.max(
    320,
    ...points.map(p => p.y * 1.15),
    ...points.map(p =>
      p.peak && r.hostSteadyRssMb ? p.peak - r.hostSteadyRssMb : 0,
    ),
  );
  const xs = ticks(xMax);
  const ys = ticks(yMax);
  const X = (v: number) =>
    M.left + (v / xs[xs.length - 1]) * (W - M.left - M.right);
  const Y = (v: number) =>
    H - M.bottom - (v / ys[ys.length - 1]) * (H - M.top - M.bottom);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(
      `Our backend's memory above the host, ${instances} Argo CD instances`,
    )}</text>`,
  );
  for (const v of ys) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${Y(v)}" y2="${Y(
        v,
      )}" stroke="#e5e5e5"/>`,
      `<text x="${M.left - 8}" y="${Y(v) + 4}" text-anchor="end">${v}</text>`,
    );
  }
  for (const v of xs) {
    parts.push(
      `<line x1="${X(v)}" x2="${X(v)}" y1="${H - M.bottom}" y2="${
        H - M.bottom + 5
      }" stroke="#333"/>`,
      `<text x="${X(v)}" y="${
        H - M.bottom + 20
      }" text-anchor="middle">${v.toLocaleString('en-US')}</text>`,
    );
  }
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${
      H - M.bottom
    }" stroke="#333"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${
      H - M.bottom
    }" stroke="#333"/>`,
    `<text x="${W / 2}" y="${
      H - 15
    }" text-anchor="middle">applications per instance</text>`,
    `<text x="18" y="${H / 2}" text-anchor="middle" transform="rotate(-90 18 ${
      H / 2
    })">MB above the host (steady idle RSS)</text>`,
    // The target at 10,000 per instance.
    `<line x1="${M.left}" x2="${W - M.right}" y1="${Y(300)}" y2="${Y(
      300,
    )}" stroke="#c0392b" stroke-dasharray="6 4"/>`,
    `<text x="${W - M.right - 4}" y="${
      Y(300) - 6
    }" text-anchor="end" fill="#c0392b">target at 10,000: &lt; 300 MB</text>`,
  );
  if (r.fit) {
    // The fit is over all applications (instances × per instance).
    const f = (x: number) =>
      r.fit!.interceptMb + (r.fit!.slopeMbPer1000Apps / 1000) * x * instances;
    parts.push(
      `<line x1="${X(0)}" y1="${Y(Math.max(0, f(0)))}" x2="${X(xMax)}" y2="${Y(
        f(xMax),
      )}" stroke="#2c7fb8" stroke-dasharray="3 3"/>`,
      `<text x="${M.left + 8}" y="${M.top + 14}" fill="#2c7fb8">${esc(
        `RSS: ${r.fit.slopeMbPer1000Apps} MB per 1,000 apps + ${r.fit.interceptMb} MB, R² ${r.fit.r2}`,
      )}</text>`,
    );
  }
  if (heapFit) {
    const f = (x: number) =>
      heapFit.interceptMb + (heapFit.slopeMbPer1000Apps / 1000) * x * instances;
    parts.push(
      `<line x1="${X(0)}" y1="${Y(Math.max(0, f(0)))}" x2="${X(xMax)}" y2="${Y(
        f(xMax),
      )}" stroke="#238b45" stroke-dasharray="3 3"/>`,
      `<text x="${M.left + 8}" y="${M.top + 46}" fill="#238b45">${esc(
        `V8 heap used: ${heapFit.slopeMbPer1000Apps} MB per 1,000 apps + ${heapFit.interceptMb} MB, R² ${heapFit.r2}`,
      )}</text>`,
    );
    for (const p of heap) {
      parts.push(
        `<rect x="${X(p.perInstance) - 4}" y="${
          Y(p.mb) - 4
        }" width="8" height="8" fill="#238b45"/>`,
        `<text x="${X(p.perInstance) + 7}" y="${
          Y(p.mb) + 14
        }" fill="#238b45">${Math.round(p.mb)} MB</text>`,
      );
    }
  }
  for (const p of points) {
    if (p.peak && r.hostSteadyRssMb) {
      parts.push(
        `<circle cx="${X(p.x)}" cy="${Y(
          p.peak - r.hostSteadyRssMb,
        )}" r="3" fill="none" stroke="#888"/>`,
      );
    }
    parts.push(
      `<circle cx="${X(p.x)}" cy="${Y(p.y)}" r="4.5" fill="#2c7fb8"/>`,
      `<text x="${X(p.x) + 7}" y="${Y(p.y) - 7}">${Math.round(p.y)} MB</text>`,
    );
  }
  parts.push(
    `<text x="${M.left + 8}" y="${
      M.top + 30
    }" fill="#888">● steady idle RSS  ○ RSS peak during a full re-list  ■ V8 heap used after a full GC</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
