import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { compileCrdValidators, CrdValidator } from '../lib/crdSchema';

/** The upstream contracts of the workspace (tests only; the product never reads them). */
export const CONTRACTS = resolvePackagePath(
  '@internal/backstage-plugin-scaffolder-backend-module-gitops-actions',
  '../../../shared/contracts',
);

let argo: CrdValidator[] | undefined;

/** Argo CD Application and AppProject validators from the upstream CRDs (v3.5.1). */
export function argoCrdValidators(): CrdValidator[] {
  argo ??= ['application-crd.yaml', 'appproject-crd.yaml'].flatMap(file =>
    compileCrdValidators(
      fs.readFileSync(path.join(CONTRACTS, 'argocd/crds', file), 'utf8'),
    ),
  );
  return argo;
}

/** The Velero Schedule validator from the upstream CRD in the contracts (not the vendored copy). */
export function upstreamVeleroValidator(): CrdValidator {
  return compileCrdValidators(
    fs.readFileSync(
      path.join(CONTRACTS, 'velero/velero.io_schedules.yaml'),
      'utf8',
    ),
  )[0];
}

/** Every file under `dir` (relative path → content). */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), {
      withFileTypes: true,
    })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out[child] = fs.readFileSync(path.join(dir, child), 'utf8');
    }
  };
  walk('');
  return Object.fromEntries(
    Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

const workspaces: string[] = [];

/** A fresh temporary workspace folder (removed after the test file, see setupTests.ts). */
export function tempWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-actions-'));
  workspaces.push(dir);
  return dir;
}

/** Removes the workspaces made by tempWorkspace. */
export function removeTempWorkspaces() {
  for (const dir of workspaces.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes files (relative path → content) under `dir`. */
export function writeTree(dir: string, files: Record<string, string>) {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
}
