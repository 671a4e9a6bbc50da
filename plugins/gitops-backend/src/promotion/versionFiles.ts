import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { GITOPS_ANNOTATIONS } from '@internal/backstage-plugin-gitops-common';
import {
  isMap,
  isScalar,
  isSeq,
  parse,
  parseDocument,
  type Document,
  type Scalar,
} from 'yaml';

/**
 * Reading and writing the version of a service in an environment, in the files the users keep
 * it in. Edits keep the file as it is: an existing value is replaced in place in the text
 * (located with the yaml Document API), so comments, quoting, key order and blank lines stay;
 * only a missing key is added through the Document API.
 */

export type VersionSourceKind = 'kustomize' | 'helm' | 'registry';

export const VERSION_SOURCE_KINDS: readonly VersionSourceKind[] = [
  'kustomize',
  'helm',
  'registry',
];

export const DEFAULT_REGISTRY_PATH = 'registry/versions.yaml';

/** Where the version of one service in one environment lives. */
export type VersionTarget = {
  service: string;
  env: string;
  kind: VersionSourceKind;
  /** The file holding the version (the registry itself for kind `registry`). */
  path: string;
  registryPath: string;
  /** Kustomize: the `images[].name` to change (default: the one named like the service). */
  imageName?: string;
};

/** Reads a file at the tip of the branch; null when it does not exist. */
export type FileReader = (path: string) => Promise<string | null>;

export type RegistryEntry = {
  version?: string;
  deployed_at?: string;
  deployed_by?: string;
};

/** A planned change: the version it replaces and the new content of each file. */
export type VersionChange = {
  previousVersion?: string;
  files: Array<{ path: string; before: string; after: string }>;
};

const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** Throws an InputError naming `field` unless `version` looks like an image tag. */
export function assertVersion(version: string, field = 'version') {
  if (!VERSION_RE.test(version)) {
    throw new InputError(
      `${field}: must be an image tag (letters, digits, ".", "_", "+", "-"), got "${version}"`,
    );
  }
}

function kustomizationPath(repoPath: string, env: string) {
  return `${repoPath.replace(/\/+$/, '')}/overlays/${env}/kustomization.yaml`;
}

function valuesPath(repoPath: string, env: string) {
  return `${repoPath.replace(/\/+$/, '')}/values-${env}.yaml`;
}

/**
 * Decides which file holds the version of the entity in `env`: the `gitops/version-source`
 * and `gitops/repo-path` annotations when set, else what exists (a Kustomize overlay, a Helm
 * values file, the registry).
 */
export async function resolveVersionTarget(
  entity: Entity,
  env: string,
  read: FileReader,
  options: { registryPath?: string } = {},
): Promise<VersionTarget> {
  const service = entity.metadata.name;
  const registryPath = options.registryPath ?? DEFAULT_REGISTRY_PATH;
  const annotations = entity.metadata.annotations ?? {};
  const declared = annotations[GITOPS_ANNOTATIONS.versionSource]?.trim();
  const repoPath = annotations[GITOPS_ANNOTATIONS.repoPath]?.trim();
  if (declared && !VERSION_SOURCE_KINDS.includes(declared as any)) {
    throw new InputError(
      `entity: annotation ${
        GITOPS_ANNOTATIONS.versionSource
      } must be one of ${VERSION_SOURCE_KINDS.join(', ')}, got "${declared}"`,
    );
  }
  if (
    repoPath &&
    (repoPath.includes('..') ||
      repoPath.startsWith('/') ||
      !/^[A-Za-z0-9._/@+-]+$/.test(repoPath))
  ) {
    throw new InputError(
      `entity: annotation ${GITOPS_ANNOTATIONS.repoPath} must be a relative path inside the repository`,
    );
  }
  const base = { service, env, registryPath };

  const candidates: Array<{ kind: VersionSourceKind; path: string }> = [];
  const kinds = declared
    ? [declared as VersionSourceKind]
    : (['kustomize', 'helm', 'registry'] as const);
  for (const kind of kinds) {
    if (kind === 'kustomize') {
      for (const root of repoPath ? [repoPath] : [`apps/${service}`]) {
        candidates.push({ kind, path: kustomizationPath(root, env) });
      }
    } else if (kind === 'helm') {
      for (const root of repoPath ? [repoPath] : [`charts/${service}`]) {
        candidates.push({ kind, path: valuesPath(root, env) });
      }
    } else {
      candidates.push({ kind, path: registryPath });
    }
  }
  for (const candidate of candidates) {
    const text = await read(candidate.path);
    if (text === null) continue;
    if (candidate.kind === 'registry' && !registryHasService(text, service)) {
      continue;
    }
    return { ...base, ...candidate };
  }
  throw new InputError(
    `entity: no version file for ${service} in ${env} (looked for ${candidates
      .map(c => c.path)
      .join(', ')}); set the ${GITOPS_ANNOTATIONS.versionSource} and ${
      GITOPS_ANNOTATIONS.repoPath
    } annotations`,
  );
}

function parseYaml(text: string, path: string): Document {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) {
    throw new InputError(`${path}: not valid YAML: ${doc.errors[0].message}`);
  }
  return doc;
}

const scalarText = (node: unknown): string | undefined => {
  if (!isScalar(node) || node.value === null || node.value === undefined) {
    return undefined;
  }
  // The source keeps `1.10` as written (its value would be the number 1.1).
  const source = (node as Scalar & { source?: string }).source;
  return typeof source === 'string' ? source : String(node.value);
};

/** Renders `value` in the quoting style of the scalar it replaces, always read back as a string. */
function renderScalar(node: Scalar, value: string): string {
  if (node.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (node.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  let plainOk = false;
  try {
    plainOk =
      parse(value) === value &&
      !/^[-?:,[\]{}#&*!|>'"%@`]/.test(value) &&
      !/[\s,[\]{}]|: |:$| #/.test(value);
  } catch {
    plainOk = false;
  }
  return plainOk ? value : JSON.stringify(value);
}

type Splice = { start: number; end: number; text: string };

function applySplices(text: string, splices: Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((x, y) => y.start - x.start)) {
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
  }
  return out;
}

function spliceFor(node: unknown, value: string): Splice | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    return undefined;
  }
  return {
    start: node.range[0],
    end: node.range[1],
    text: renderScalar(node, value),
  };
}

const stringify = (doc: Document) => doc.toString({ lineWidth: 0 });

// --- Kustomize --------------------------------------------------------------------------

function findImage(doc: Document, target: VersionTarget) {
  const images = doc.get('images', true);
  if (!isSeq(images)) {
    throw new InputError(`${target.path}: has no images list`);
  }
  const items = images.items.filter(isMap);
  const nameOf = (item: (typeof items)[number]) => String(item.get('name'));
  const wanted = target.imageName;
  const matches = items.filter(item => {
    const name = nameOf(item);
    if (wanted) return name === wanted;
    return name === target.service || name.endsWith(`/${target.service}`);
  });
  if (matches.length === 1) return matches[0];
  if (!wanted && matches.length === 0 && items.length === 1) return items[0];
  throw new InputError(
    `${target.path}: ${
      matches.length === 0 ? 'no' : 'more than one'
    } images[] entry named ${wanted ?? target.service}`,
  );
}

function readKustomize(text: string, target: VersionTarget) {
  const image = findImage(parseYaml(text, target.path), target);
  return scalarText(image.get('newTag', true));
}

function writeKustomize(text: string, target: VersionTarget, version: string) {
  const doc = parseYaml(text, target.path);
  const image = findImage(doc, target);
  if (image.has('digest')) {
    throw new InputError(
      `${target.path}: the image ${String(
        image.get('name'),
      )} is pinned by digest; remove the digest to promote by tag`,
    );
  }
  const splice = spliceFor(image.get('newTag', true), version);
  if (splice) return applySplices(text, [splice]);
  image.set('newTag', version);
  return stringify(doc);
}

// --- Helm -------------------------------------------------------------------------------

function readHelm(text: string, target: VersionTarget) {
  return scalarText(parseYaml(text, target.path).getIn(['image', 'tag'], true));
}

function writeHelm(text: string, target: VersionTarget, version: string) {
  const doc = parseYaml(text, target.path);
  const splice = spliceFor(doc.getIn(['image', 'tag'], true), version);
  if (splice) return applySplices(text, [splice]);
  const image = doc.get('image', true);
  if (image !== undefined && !isMap(image)) {
    throw new InputError(`${target.path}: image is not a map`);
  }
  doc.setIn(['image', 'tag'], version);
  return stringify(doc);
}

// --- Registry ---------------------------------------------------------------------------

/** True when `services.<service>` is a map in the registry file. */
export function registryHasService(text: string, service: string): boolean {
  try {
    return isMap(parseDocument(text).getIn(['services', service], true));
  } catch {
    return false;
  }
}

export function readRegistryEntry(
  text: string,
  service: string,
  env: string,
  path = DEFAULT_REGISTRY_PATH,
): RegistryEntry | undefined {
  const node = parseYaml(text, path).getIn(['services', service, env], true);
  if (!isMap(node)) return undefined;
  return {
    version: scalarText(node.get('version', true)),
    deployed_at: scalarText(node.get('deployed_at', true)),
    deployed_by: scalarText(node.get('deployed_by', true)),
  };
}

/** Sets `services.<service>.<env>.{version, deployed_at, deployed_by}`. */
export function writeRegistryEntry(
  text: string,
  service: string,
  env: string,
  entry: Required<RegistryEntry>,
  path = DEFAULT_REGISTRY_PATH,
): string {
  const doc = parseYaml(text, path);
  const envNode = doc.getIn(['services', service, env], true);
  if (envNode !== undefined && !isMap(envNode)) {
    throw new InputError(`${path}: services.${service}.${env} is not a map`);
  }
  const splices: Splice[] = [];
  const missing: Array<keyof RegistryEntry> = [];
  for (const key of ['version', 'deployed_at', 'deployed_by'] as const) {
    const splice = isMap(envNode)
      ? spliceFor(envNode.get(key, true), entry[key])
      : undefined;
    if (splice) splices.push(splice);
    else missing.push(key);
  }
  const spliced = applySplices(text, splices);
  if (missing.length === 0) return spliced;
  const again = parseYaml(spliced, path);
  for (const key of missing) {
    again.setIn(['services', service, env, key], entry[key]);
  }
  return stringify(again);
}

// --- Both -------------------------------------------------------------------------------

/** The version recorded in the target's file, if any. */
export function readVersion(
  text: string,
  target: VersionTarget,
): string | undefined {
  if (target.kind === 'kustomize') return readKustomize(text, target);
  if (target.kind === 'helm') return readHelm(text, target);
  return readRegistryEntry(text, target.service, target.env, target.path)
    ?.version;
}

/** The version of the service in the target environment, read at the tip. */
export async function readEnvironmentVersion(
  target: VersionTarget,
  read: FileReader,
): Promise<string | undefined> {
  const text = await read(target.path);
  if (text === null) {
    throw new InputError(`${target.path}: file not found`);
  }
  return readVersion(text, target);
}

/**
 * Plans setting `version` for the target: the version file, and the registry too when it
 * lists the service. Files whose content does not change are left out.
 */
export async function planVersionChange(
  target: VersionTarget,
  read: FileReader,
  change: { version: string; deployedAt: string; deployedBy: string },
): Promise<VersionChange> {
  const text = await read(target.path);
  if (text === null) throw new InputError(`${target.path}: file not found`);
  const previousVersion = readVersion(text, target);
  const entry = {
    version: change.version,
    deployed_at: change.deployedAt,
    deployed_by: change.deployedBy,
  };
  const files: VersionChange['files'] = [];
  if (target.kind === 'registry') {
    files.push({
      path: target.path,
      before: text,
      after: writeRegistryEntry(
        text,
        target.service,
        target.env,
        entry,
        target.path,
      ),
    });
  } else {
    const after =
      target.kind === 'kustomize'
        ? writeKustomize(text, target, change.version)
        : writeHelm(text, target, change.version);
    files.push({ path: target.path, before: text, after });
    const registry = await read(target.registryPath);
    if (registry !== null && registryHasService(registry, target.service)) {
      files.push({
        path: target.registryPath,
        before: registry,
        after: writeRegistryEntry(
          registry,
          target.service,
          target.env,
          entry,
          target.registryPath,
        ),
      });
    }
  }
  return {
    previousVersion,
    files: files.filter(f => f.before !== f.after),
  };
}
