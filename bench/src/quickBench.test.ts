import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runQuickBench } from './quick';

// Starts the fleet and our real backend (packages/backend) as processes: ~30 s on 2 cores.
jest.setTimeout(240_000);

describe('the quick bench', () => {
  it('makes no Argo CD call per page view, and one list per instance per refresh', async () => {
    const workDir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'gitops-quick-bench-'),
    );
    const { failures, levels } = await runQuickBench({
      workDir,
      // Not the ports of bench/run.sh (7201-7203, 7211, 7290-7291) or the e2e run (7007, 3000).
      ports: { control: 7292, ours: 7212 },
    });
    expect(failures).toEqual([]);
    expect(levels.map(l => l.argo.causedByPageViews)).toEqual([0, 0]);
    expect(levels.every(l => l.pageViews > 0)).toBe(true);
    await fs.rm(workDir, { recursive: true, force: true });
  });
});
