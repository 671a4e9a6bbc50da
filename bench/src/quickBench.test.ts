import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runQuickBench } from './quick';

// Starts the fleet and the host backend with our plugin as processes: under a minute on 2 cores.
jest.setTimeout(240_000);

describe('the quick bench', () => {
  it('one-request page, 0 Argo CD calls per overview and tab view, lists only at start, 304s', async () => {
    const workDir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'gitops-quick-bench-'),
    );
    const lines: string[] = [];
    const { failures, levels } = await runQuickBench({
      workDir,
      // Not the ports of bench/run.sh (7201-7204, 7211, 7290-7291) or the e2e run (7007, 3000).
      ports: { control: 7292, ours: 7212 },
      log: line => lines.push(line),
    });
    expect({ failures, log: failures.length ? lines : [] }).toEqual({
      failures: [],
      log: [],
    });
    expect(levels.map(l => [l.name, l.argo.causedByViews])).toEqual([
      ['overview-10', 0],
      ['tab-1', 0],
    ]);
    expect(levels[0].requestsPerView).toBe(1);
    await fs.rm(workDir, { recursive: true, force: true });
  });
});
