import { stringify } from 'yaml';

export interface BenchEntity {
  name: string;
  /** Value of `argocd/app-selector`. */
  selector: string;
  /** The Argo instance holding its applications (the frontends do not know it). */
  instance: string;
  environments: string[];
}

const ENVS_BY_INDEX: string[][] = [['dev', 'staging'], ['prod']];
const envsOf = (index: number) =>
  ENVS_BY_INDEX[index] ?? ['dev', 'staging', 'prod'];
const instanceName = (index: number) =>
  ['argocd-main', 'argocd-prod'][index] ?? `argocd-${index + 1}`;

/**
 * Services of the fleet's filler apps (see packages/fleet-simulator/src/argocd/filler.ts:
 * `svc-<instance>-<s>-<env>`, label `app.kubernetes.io/name=svc-<instance>-<s>`), taken round-robin
 * over the given instances, keeping only services that have an app in every environment their
 * instance hosts.
 */
export function benchEntities(options: {
  count: number;
  appsPerInstance: number;
  instanceIndexes: number[];
}): BenchEntity[] {
  const out: BenchEntity[] = [];
  const perInstance = options.instanceIndexes.map(i =>
    Math.floor(options.appsPerInstance / envsOf(i).length),
  );
  for (let s = 0; out.length < options.count; s++) {
    let added = false;
    for (const [k, index] of options.instanceIndexes.entries()) {
      if (s >= perInstance[k] || out.length >= options.count) continue;
      const service = `svc-${index}-${String(s).padStart(5, '0')}`;
      out.push({
        name: service,
        selector: `app.kubernetes.io/name=${service}`,
        instance: instanceName(index),
        environments: envsOf(index),
      });
      added = true;
    }
    if (!added) break;
  }
  return out;
}

/** Catalog YAML: the owning group and one annotated Component per entity. */
export function entitiesYaml(entities: BenchEntity[], owner = 'bench-team') {
  const docs: object[] = [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: owner },
      spec: { type: 'team', children: [] },
    },
    ...entities.map(e => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: e.name,
        annotations: { 'argocd/app-selector': e.selector },
      },
      spec: { type: 'service', lifecycle: 'production', owner },
    })),
  ];
  return docs.map(d => stringify(d)).join('---\n');
}
