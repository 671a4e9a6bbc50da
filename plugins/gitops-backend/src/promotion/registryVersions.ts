import { InputError } from '@backstage/errors';
import { isMap, parseDocument } from 'yaml';
import {
  applySplices,
  parseYaml,
  scalarText,
  spliceFor,
  stringify,
  type Splice,
} from './yamlEdit';

/**
 * The registry file: `services.<service>.<env>.{version, deployed_at, deployed_by}` of every
 * service. The version source of services without a manifest of their own, and kept up to
 * date next to a Kustomize or Helm file for the services it lists.
 */

export const DEFAULT_REGISTRY_PATH = 'registry/versions.yaml';

export type RegistryEntry = {
  version?: string;
  deployed_at?: string;
  deployed_by?: string;
};

const ENTRY_KEYS = ['version', 'deployed_at', 'deployed_by'] as const;

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
  for (const key of ENTRY_KEYS) {
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
