import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { isMap, isSeq, parse, parseDocument } from 'yaml';
import { ARGOCD_FINALIZER } from './render';
import { readIfExists } from './workspace';
import { toYaml } from './yaml';

export type RegisterPlan = {
  /** Name of the root Application. */
  rootApp: string;
  /** Folder (relative to the repo) the root Application syncs. */
  appsPath: string;
  /** Names of the Applications registered. */
  registered: string[];
  /** Files to write (relative to the repo) → content. */
  writes: Map<string, string>;
  /** Files to delete (moved into the root's folder). */
  deletes: string[];
};

function posix(p: string) {
  return p.split(path.sep).join('/').replace(/^\.\//, '').replace(/\/+$/, '');
}

/** The root Application's source folder in this repository. */
function rootSourcePath(root: any): string | undefined {
  const sources = root?.spec?.sources ?? [root?.spec?.source];
  const source = sources.find(
    (s: any) => s && typeof s.path === 'string' && !s.chart,
  );
  return source ? posix(source.path) : undefined;
}

/**
 * Plans how to register Application manifests with the app-of-apps root: each file must be in
 * the folder the root Application syncs (moved there if it is elsewhere), and listed in that
 * folder's kustomization.yaml when the root renders it with Kustomize. Nothing is written.
 * A second plan after applying the first is empty.
 */
export async function planRegistration(
  repo: string,
  options: {
    rootAppFile: string;
    applicationFiles: string[];
    createRoot?: {
      repoUrl: string;
      appsPath: string;
      namespace: string;
      targetRevision: string;
    };
  },
): Promise<RegisterPlan> {
  const writes = new Map<string, string>();
  const deletes: string[] = [];
  const rootFile = posix(options.rootAppFile);
  let rootText = await readIfExists(path.join(repo, rootFile));
  if (rootText === undefined) {
    if (!options.createRoot) {
      throw new InputError(
        `rootAppFile: no root Application at '${rootFile}' in the gitops repository; check out the gitops repository first or set createRoot`,
      );
    }
    rootText = toYaml({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: 'root',
        namespace: options.createRoot.namespace,
        finalizers: [ARGOCD_FINALIZER],
      },
      spec: {
        project: 'default',
        source: {
          repoURL: options.createRoot.repoUrl,
          path: options.createRoot.appsPath,
          targetRevision: options.createRoot.targetRevision,
          directory: { recurse: true },
        },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: options.createRoot.namespace,
        },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    });
    writes.set(rootFile, rootText);
  }
  const root: any = parse(rootText);
  if (root?.kind !== 'Application') {
    throw new InputError(
      `rootAppFile: '${rootFile}' is not an Argo CD Application`,
    );
  }
  const appsPath = rootSourcePath(root);
  if (!appsPath) {
    throw new InputError(
      `rootAppFile: the root Application '${root.metadata?.name}' has no source path in this repository`,
    );
  }

  const registered: string[] = [];
  const names: string[] = [];
  for (const [index, file] of options.applicationFiles.map(posix).entries()) {
    const name = path.posix.basename(file);
    const target = `${appsPath}/${name}`;
    // On a retry the file may already have been moved into the root's folder.
    const text =
      (await readIfExists(path.join(repo, file))) ??
      (await readIfExists(path.join(repo, target)));
    if (text === undefined) {
      throw new InputError(
        `applicationFiles.${index}: '${file}' does not exist`,
      );
    }
    const app: any = parse(text);
    if (app?.kind !== 'Application' || !app.metadata?.name) {
      throw new InputError(
        `applicationFiles.${index}: '${file}' is not an Argo CD Application`,
      );
    }
    if (
      target !== file &&
      (await readIfExists(path.join(repo, file))) !== undefined
    ) {
      const existing = await readIfExists(path.join(repo, target));
      if (existing !== undefined && existing !== text) {
        throw new InputError(
          `applicationFiles.${index}: '${target}' already exists with other content`,
        );
      }
      if (existing === undefined) writes.set(target, text);
      deletes.push(file);
    }
    registered.push(app.metadata.name);
    names.push(name);
  }

  // A root that renders its folder with Kustomize only sees what kustomization.yaml lists.
  const kustomizationFile = `${appsPath}/kustomization.yaml`;
  const kustomization = await readIfExists(path.join(repo, kustomizationFile));
  if (kustomization !== undefined) {
    const doc = parseDocument(kustomization);
    let resources = doc.get('resources', true);
    if (!isSeq(resources)) {
      doc.set('resources', doc.createNode([]));
      resources = doc.get('resources', true);
    }
    const seq = resources as any;
    const listed = new Set(seq.items.map((i: any) => String(i?.value ?? i)));
    let changed = false;
    for (const name of names) {
      if (listed.has(name)) continue;
      seq.items.push(doc.createNode(name));
      listed.add(name);
      changed = true;
    }
    if (changed) {
      seq.flow = false;
      writes.set(kustomizationFile, doc.toString({ lineWidth: 0 }));
    }
  } else if (
    isMap(parseDocument(rootText).getIn(['spec', 'source', 'directory'], true))
  ) {
    const include = root.spec.source.directory.include;
    if (
      include &&
      !names.every(n => include.includes(n) || include.includes('*'))
    ) {
      throw new InputError(
        `rootAppFile: the root Application only includes '${include}'; add the new files to spec.source.directory.include`,
      );
    }
  }

  return {
    rootApp: String(root.metadata?.name),
    appsPath,
    registered,
    writes,
    deletes,
  };
}

/** Applies a plan to the repository folder. */
export async function applyRegistration(repo: string, plan: RegisterPlan) {
  for (const [file, content] of plan.writes) {
    await fs.mkdir(path.dirname(path.join(repo, file)), { recursive: true });
    await fs.writeFile(path.join(repo, file), content, 'utf8');
  }
  for (const file of plan.deletes) {
    await fs.rm(path.join(repo, file), { force: true });
  }
}
