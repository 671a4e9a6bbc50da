/**
 * Builds our packages the way a production image does (`yarn tsc`, then `backstage-cli package
 * build` of each), so the host loads ours from `dist/` as it loads the anchors' published
 * packages (bench/src/backends/host.ts, BENCH_OURS_FROM=dist). Run through the TypeScript
 * transform, ours was measured with the transform's and the source maps' memory on top.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { OURS_BUILT } from '../backends/host';
import { ROOT } from './proc';

/**
 * Builds them; answers what removes the builds again. Left behind, `dist/` changes how the
 * plugins' own tests resolve them (faults.test.ts failed with it there).
 */
export function buildOurs(log: (line: string) => void): () => void {
  const t0 = Date.now();
  const yarn = (cwd: string, args: string[]) =>
    execFileSync('yarn', args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  yarn(ROOT, ['tsc']);
  for (const dir of Object.values(OURS_BUILT)) {
    yarn(path.join(ROOT, dir), ['backstage-cli', 'package', 'build']);
  }
  log(
    `built ${Object.keys(OURS_BUILT).join(', ')} in ${Math.round(
      (Date.now() - t0) / 1000,
    )} s`,
  );
  return () => {
    for (const dir of Object.values(OURS_BUILT)) {
      fs.rmSync(path.join(ROOT, dir, 'dist'), { recursive: true, force: true });
    }
  };
}
