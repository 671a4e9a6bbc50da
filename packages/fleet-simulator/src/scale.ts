/* eslint-disable no-console */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { caFetch, closeCaFetch } from './util/caFetch';
import { startFleet } from './fleet';

export interface ScaleFigures {
  instances: number;
  appsPerInstance: number;
  startupMs: number;
  coldListMs: number[];
  warmListMs: number[];
  listBytes: number[];
  costQueries: Array<{ query: string; ms: number; bytes: number }>;
  rssMb: number;
}

function curl(
  url: string,
  token: string,
  caFile?: string,
): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{time_total} %{size_download}',
        '-H',
        `Authorization: Bearer ${token}`,
        ...(caFile ? ['--cacert', caFile] : []),
        url,
      ],
      (err, out) => {
        if (err) return reject(err);
        const [t, b] = out.trim().split(' ');
        return resolve({ ms: Number(t) * 1000, bytes: Number(b) });
      },
    );
  });
}

/** Starts N instances × M filler apps and measures full-list latency and RSS. */
export const COST_QUERIES = [
  'window=30d&aggregate=namespace&accumulate=true',
  'window=30d&aggregate=namespace,label:app&accumulate=true',
  'window=7d&step=1d&aggregate=label:app&filter=label%5Bapp%5D:%22payments-api%22',
];

export async function measureScale(
  instances: number,
  appsPerInstance: number,
  costQueries = COST_QUERIES,
): Promise<ScaleFigures> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fleet-scale-'));
  const t0 = performance.now();
  const fleet = await startFleet({
    dir,
    clock: 'manual',
    instances,
    appsPerInstance,
  });
  const startupMs = performance.now() - t0;
  const figures: ScaleFigures = {
    instances,
    appsPerInstance,
    startupMs,
    coldListMs: [],
    warmListMs: [],
    listBytes: [],
    costQueries: [],
    rssMb: 0,
  };
  // On the HTTPS fleet (the default) both clients trust its CA; curl's time includes the handshake.
  try {
    // curl in a child process, so the timing is the server's (not an in-process client's).
    for (const a of fleet.argo) {
      for (const bucket of [
        figures.coldListMs,
        figures.warmListMs,
        figures.warmListMs,
      ]) {
        const { ms, bytes } = await curl(
          `${a.url}/api/v1/applications`,
          a.token,
          fleet.tls?.caFile,
        );
        bucket.push(ms);
        if (bucket === figures.coldListMs) figures.listBytes.push(bytes);
      }
    }
    // A typical portal cost query against the cluster holding instance 0's apps.
    for (const q of costQueries) {
      const s = performance.now();
      const res = await caFetch(
        fleet.tls?.caCert,
        `${fleet.cost[0].url}/model/allocation?${q}`,
      );
      const text = await res.text();
      figures.costQueries.push({
        query: q,
        ms: performance.now() - s,
        bytes: text.length,
      });
    }
    figures.rssMb = process.memoryUsage().rss / 1024 / 1024;
  } finally {
    await closeCaFetch(fleet.tls?.caCert);
    await fleet.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
  return figures;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const [instances = '5', apps = '2000'] = args.filter(a => a !== '--json');
  measureScale(Number(instances), Number(apps)).then(f => {
    if (json) {
      console.log(JSON.stringify(f));
      return;
    }
    const r = (xs: number[]) => xs.map(x => Math.round(x)).join(', ');
    console.log(
      `instances=${f.instances} appsPerInstance=${f.appsPerInstance}`,
    );
    console.log(`startup: ${Math.round(f.startupMs)} ms`);
    console.log(`full list, cold (ms per instance): ${r(f.coldListMs)}`);
    console.log(`full list, warm (ms, 2 per instance): ${r(f.warmListMs)}`);
    console.log(
      `list size (MB per instance): ${f.listBytes
        .map(b => (b / 1e6).toFixed(1))
        .join(', ')}`,
    );
    for (const c of f.costQueries)
      console.log(
        `cost ${c.query}: ${Math.round(c.ms)} ms, ${(c.bytes / 1e6).toFixed(
          2,
        )} MB`,
      );
    console.log(`RSS: ${Math.round(f.rssMb)} MB`);
  });
}
