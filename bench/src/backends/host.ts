/**
 * The host backend every Argo CD plugin is measured in: the app backend's own plugin set
 * (read from packages/backend/src/index.ts, so it follows that file: catalog, auth with guest,
 * permission with the app's policy module, scaffolder, techdocs, search, kubernetes, signals,
 * events, notifications, ...), without the GitOps suite, plus exactly one Argo CD plugin:
 *
 *   BENCH_ARGOCD_PLUGIN=ours       @internal/backstage-plugin-gitops-backend
 *   BENCH_ARGOCD_PLUGIN=roadie     @roadiehq/backstage-plugin-argo-cd-backend (4.8.0: default export)
 *   BENCH_ARGOCD_PLUGIN=community  @backstage-community/plugin-argocd-backend
 *   BENCH_ARGOCD_PLUGIN=none       the host alone (the baseline each plugin's RSS is reported above)
 *
 * Modules are resolved from packages/backend, as the app backend resolves them, so every run
 * loads the very same host code. Run by bench/src/lib/backends.ts with `--config <file>`.
 */
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { createBackend } from '@backstage/backend-defaults';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

const BENCH = resolvePackagePath('@internal/bench');
const APP_BACKEND = path.resolve(BENCH, '../packages/backend');
const APP_INDEX = path.join(APP_BACKEND, 'src/index.ts');

/** The GitOps suite's lines of the app backend: replaced by the plugin under test. */
const GITOPS_SUITE = [
  '@internal/backstage-plugin-gitops-backend',
  '@internal/backstage-plugin-scaffolder-backend-module-gitops-actions',
];

const ARGOCD_PLUGINS: Record<string, string | undefined> = {
  ours: '@internal/backstage-plugin-gitops-backend',
  roadie: '@roadiehq/backstage-plugin-argo-cd-backend',
  community: '@backstage-community/plugin-argocd-backend',
  none: undefined,
};

/** `backend.add(import('<spec>'))` of the app backend, in its order. */
export function appBackendFeatures(source: string): string[] {
  return [...source.matchAll(/backend\.add\(\s*import\(\s*'([^']+)'\s*\)/g)]
    .map(m => m[1])
    .filter(spec => !GITOPS_SUITE.includes(spec));
}

/** Our packages, built (`dist/`), as a production backend loads them: see {@link loadOursBuilt}. */
export const OURS_BUILT: Record<string, string> = {
  '@internal/backstage-plugin-gitops-common': 'plugins/gitops-common',
  '@internal/backstage-plugin-gitops-node': 'plugins/gitops-node',
  '@internal/backstage-plugin-gitops-backend': 'plugins/gitops-backend',
};

/**
 * BENCH_OURS_FROM=dist: our packages resolve to their built `dist/index.cjs.js` (their
 * `publishConfig.main`, what a production image runs) instead of `src/index.ts` through the
 * TypeScript transform, so they are loaded as the anchors' published packages are. The bench
 * builds them first (bench/src/lib/buildOurs.ts).
 */
function loadOursBuilt() {
  const root = path.resolve(BENCH, '..');
  const m = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
  };
  const resolve = m._resolveFilename;
  m._resolveFilename = function resolveBuilt(request, ...rest) {
    const dir = OURS_BUILT[request];
    return dir
      ? path.join(root, dir, 'dist/index.cjs.js')
      : resolve.call(this, request, ...rest);
  };
}

const resolveFromAppBackend = (spec: string) =>
  require.resolve(
    spec.startsWith('.') ? path.resolve(path.dirname(APP_INDEX), spec) : spec,
    { paths: [APP_BACKEND, BENCH] },
  );

function main() {
  const which = process.env.BENCH_ARGOCD_PLUGIN ?? 'none';
  if (!(which in ARGOCD_PLUGINS)) {
    throw new Error(
      `BENCH_ARGOCD_PLUGIN=${which}: expected ${Object.keys(
        ARGOCD_PLUGINS,
      ).join(', ')}`,
    );
  }
  if (process.env.BENCH_OURS_FROM === 'dist') loadOursBuilt();
  const features = appBackendFeatures(fs.readFileSync(APP_INDEX, 'utf8'));
  const plugin = ARGOCD_PLUGINS[which];
  if (plugin) features.push(plugin);
  const backend = createBackend();
  for (const spec of features) {
    backend.add(import(resolveFromAppBackend(spec)));
  }
  // One line in the log says what this process is (the bench keeps the logs).
  // eslint-disable-next-line no-console
  console.log(`bench host: ${features.length} features, plugin ${which}`);
  backend.start();
}

if (require.main === module) main();
