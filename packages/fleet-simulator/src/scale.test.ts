import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ScaleFigures } from './scale';

jest.setTimeout(90_000);

/**
 * Runs the scale script in its own process: the simulator's RSS must not include Jest's and
 * the other suites' memory, and plain node is what the start command runs.
 */
async function measureInChildProcess(
  instances: number,
  apps: number,
): Promise<ScaleFigures> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'scale.ts'),
      String(instances),
      String(apps),
      '--json',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('scale', () => {
  it('5 instances × 2,000 apps: a full list answers in under 200 ms, RSS under 1 GB', async () => {
    const f = await measureInChildProcess(5, 2000);
    // eslint-disable-next-line no-console
    console.log(
      `scale 5×2000: startup ${Math.round(
        f.startupMs,
      )} ms; list ms cold ${f.coldListMs.map(
        Math.round,
      )}; warm ${f.warmListMs.map(Math.round)}; ${(
        f.listBytes[0] / 1e6
      ).toFixed(1)} MB per list; cost ${f.costQueries.map(
        c => `${Math.round(c.ms)} ms`,
      )}; RSS ${Math.round(f.rssMb)} MB`,
    );
    expect(f.instances).toBe(5);
    expect(f.appsPerInstance).toBe(2000);
    expect(f.listBytes.every(b => b > 5e6)).toBe(true);
    // Every instance's full list (first one uncached, then cached) under 200 ms. The machine's
    // 2 cores are shared with the other test suites, so a GC pause may slow one sample:
    // assert the median of all samples and the best sample of each instance.
    const all = [...f.coldListMs, ...f.warmListMs].sort((a, b) => a - b);
    expect(all[Math.floor(all.length / 2)]).toBeLessThan(200);
    f.coldListMs.forEach((cold, i) =>
      expect(
        Math.min(cold, f.warmListMs[2 * i], f.warmListMs[2 * i + 1]),
      ).toBeLessThan(200),
    );
    expect(f.rssMb).toBeLessThan(1024);
  });
});
