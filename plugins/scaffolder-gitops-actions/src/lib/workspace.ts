import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { LoggerService } from '@backstage/backend-plugin-api';
import { isMap, isSeq, parseDocument } from 'yaml';
import { compareStrings } from './yaml';

/** Reads a file, or undefined when it doesn't exist. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A workspace-relative path, refused if it leaves the workspace. */
export function workspacePath(workspace: string, ...parts: string[]): string {
  return resolveSafeChildPath(workspace, path.join(...parts));
}

export type WriteResult = { written: string[]; unchanged: string[] };

/**
 * Writes `files` (relative to `root`), skipping those whose content is already the same, so a
 * retry changes nothing. With `dryRun`, only reports what would be written.
 */
export async function writeFiles(
  root: string,
  files: Map<string, string>,
  options: { dryRun?: boolean; logger?: LoggerService },
): Promise<WriteResult> {
  const result: WriteResult = { written: [], unchanged: [] };
  const entries = [...files.entries()].sort(([a], [b]) => compareStrings(a, b));
  for (const [relative, content] of entries) {
    const target = resolveSafeChildPath(root, relative);
    if ((await readIfExists(target)) === content) {
      result.unchanged.push(relative);
      continue;
    }
    result.written.push(relative);
    if (options.dryRun) {
      options.logger?.info(`Dry run: would write ${relative}`);
      continue;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content, 'utf8');
  }
  return result;
}

/**
 * Adds `services.<service>.<env>` entries to a `registry/versions.yaml` text (or a new one),
 * keeping every other entry, comment and the existing entries of this service untouched.
 */
export function mergeRegistry(
  existing: string | undefined,
  service: string,
  entries: Array<{
    env: string;
    version: string;
    deployedAt: string;
    deployedBy: string;
  }>,
): string {
  const doc = parseDocument(existing ?? 'services: {}\n');
  if (doc.errors.length) {
    throw new Error(
      `registry/versions.yaml is not valid YAML: ${doc.errors[0].message}`,
    );
  }
  if (!doc.has('services') || doc.get('services') === null) {
    doc.set('services', doc.createNode({}));
  }
  const blockStyle = (node: unknown) => {
    if (isMap(node)) node.flow = false;
  };
  for (const entry of entries) {
    if (doc.hasIn(['services', service, entry.env])) continue;
    blockStyle(doc.get('services', true));
    if (!doc.hasIn(['services', service])) {
      doc.setIn(['services', service], doc.createNode({}));
    }
    blockStyle(doc.getIn(['services', service], true));
    doc.setIn(
      ['services', service, entry.env],
      doc.createNode({
        version: entry.version,
        deployed_at: entry.deployedAt,
        deployed_by: entry.deployedBy,
      }),
    );
  }
  return doc.toString({ lineWidth: 0 });
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}

/**
 * Lets an existing AppProject (e.g. a team's shared one) accept the new service: adds the
 * gitops repository to `sourceRepos` and a destination per namespace unless an existing entry
 * (globs included) already allows it. Keeps everything else; the same input changes nothing.
 */
export function mergeAppProject(
  existing: string,
  repoUrl: string,
  destinations: Array<{ server: string; namespace: string }>,
): string {
  const doc = parseDocument(existing);
  const spec: any = doc.toJS()?.spec ?? {};
  const repos: string[] = spec.sourceRepos ?? [];
  if (!repos.some(r => globMatch(r, repoUrl))) {
    doc.addIn(['spec', 'sourceRepos'], repoUrl);
  }
  const current: Array<{ server?: string; name?: string; namespace?: string }> =
    spec.destinations ?? [];
  for (const d of destinations) {
    const allowed = current.some(
      c =>
        (c.server === undefined || globMatch(c.server, d.server)) &&
        globMatch(c.namespace ?? '*', d.namespace),
    );
    if (!allowed) {
      doc.addIn(['spec', 'destinations'], doc.createNode(d));
      current.push(d);
    }
  }
  for (const key of ['sourceRepos', 'destinations']) {
    const node = doc.getIn(['spec', key], true);
    if (isMap(node) || isSeq(node)) node.flow = false;
  }
  return doc.toString({ lineWidth: 0 });
}
