import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { GITOPS_ANNOTATIONS } from '@internal/backstage-plugin-gitops-common';
import { helmVersion } from './helmVersion';
import type { ImageTagSource } from './imageTagSource';
import { kustomizeVersion } from './kustomizeVersion';
import {
  DEFAULT_REGISTRY_PATH,
  readRegistryEntry,
  registryHasService,
  writeRegistryEntry,
} from './registryVersions';

/**
 * Reading and writing the version of a service in an environment, in the files the users keep
 * it in: a Kustomize overlay (`kustomizeVersion.ts`), a Helm values file (`helmVersion.ts`) or
 * the registry (`registryVersions.ts`). Edits keep the file as it is (`yamlEdit.ts`).
 */

export {
  DEFAULT_REGISTRY_PATH,
  readRegistryEntry,
  registryHasService,
  writeRegistryEntry,
  type RegistryEntry,
} from './registryVersions';

export type VersionSourceKind = 'kustomize' | 'helm' | 'registry';

export const VERSION_SOURCE_KINDS: readonly VersionSourceKind[] = [
  'kustomize',
  'helm',
  'registry',
];

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

/** A planned change: the version it replaces and the new content of each file. */
export type VersionChange = {
  previousVersion?: string;
  files: Array<{ path: string; before: string; after: string }>;
};

const IMAGE_TAG_SOURCES: Record<
  Exclude<VersionSourceKind, 'registry'>,
  ImageTagSource
> = { kustomize: kustomizeVersion, helm: helmVersion };

const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** Throws an InputError naming `field` unless `version` looks like an image tag. */
export function assertVersion(version: string, field = 'version') {
  if (!VERSION_RE.test(version)) {
    throw new InputError(
      `${field}: must be an image tag (letters, digits, ".", "_", "+", "-"), got "${version}"`,
    );
  }
}

/** The annotations that place the version, checked (a repo path stays inside the repository). */
function versionAnnotations(entity: Entity) {
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
  return { declared: declared as VersionSourceKind | undefined, repoPath };
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
  const { declared, repoPath } = versionAnnotations(entity);
  const kinds = declared ? [declared] : VERSION_SOURCE_KINDS;
  const candidates = kinds.map(kind => {
    if (kind === 'registry') return { kind, path: registryPath };
    const source = IMAGE_TAG_SOURCES[kind];
    return {
      kind,
      path: source.path(repoPath || source.defaultRoot(service), env),
    };
  });
  for (const candidate of candidates) {
    const text = await read(candidate.path);
    if (text === null) continue;
    if (candidate.kind === 'registry' && !registryHasService(text, service)) {
      continue;
    }
    return { service, env, registryPath, ...candidate };
  }
  throw new InputError(
    `entity: no version file for ${service} in ${env} (looked for ${candidates
      .map(c => c.path)
      .join(', ')}); set the ${GITOPS_ANNOTATIONS.versionSource} and ${
      GITOPS_ANNOTATIONS.repoPath
    } annotations`,
  );
}

/** The version recorded in the target's file, if any. */
export function readVersion(
  text: string,
  target: VersionTarget,
): string | undefined {
  if (target.kind === 'registry') {
    return readRegistryEntry(text, target.service, target.env, target.path)
      ?.version;
  }
  return IMAGE_TAG_SOURCES[target.kind].read(text, target);
}

/** The text of the target's file: it has to exist, it was found there. */
async function readTarget(target: VersionTarget, read: FileReader) {
  const text = await read(target.path);
  if (text === null) throw new InputError(`${target.path}: file not found`);
  return text;
}

/** The version of the service in the target environment, read at the tip. */
export async function readEnvironmentVersion(
  target: VersionTarget,
  read: FileReader,
): Promise<string | undefined> {
  return readVersion(await readTarget(target, read), target);
}

/**
 * Plans setting `version` for the target: the version file, and the registry too when it
 * lists the service (so it never contradicts the manifest). Files whose content does not
 * change are left out.
 */
export async function planVersionChange(
  target: VersionTarget,
  read: FileReader,
  change: { version: string; deployedAt: string; deployedBy: string },
): Promise<VersionChange> {
  const text = await readTarget(target, read);
  const previousVersion = readVersion(text, target);
  const entry = {
    version: change.version,
    deployed_at: change.deployedAt,
    deployed_by: change.deployedBy,
  };
  const registryFile = (path: string, before: string) => ({
    path,
    before,
    after: writeRegistryEntry(before, target.service, target.env, entry, path),
  });
  const files: VersionChange['files'] = [];
  if (target.kind === 'registry') {
    files.push(registryFile(target.path, text));
  } else {
    const source = IMAGE_TAG_SOURCES[target.kind];
    files.push({
      path: target.path,
      before: text,
      after: source.write(text, target, change.version),
    });
    const registry = await read(target.registryPath);
    if (registry !== null && registryHasService(registry, target.service)) {
      files.push(registryFile(target.registryPath, registry));
    }
  }
  return {
    previousVersion,
    files: files.filter(f => f.before !== f.after),
  };
}
