import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type {
  EntityEstate,
  EstateService,
} from '@internal/backstage-plugin-gitops-common';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const EXAMPLES = path.resolve(__dirname, '../../../../../../examples');

/**
 * The example catalog (`examples/entities.yaml`, `examples/org.yaml`) as the catalog serves it
 * after stitching: namespace `default`, and the `ownedBy` / `partOf` relations its processors
 * derive from `spec.owner` / `spec.system`. Annotated components come first (the test backend
 * waits on the first entity's sources).
 */
export function exampleCatalog(): Entity[] {
  const entities = ['entities.yaml', 'org.yaml'].flatMap(file =>
    parseAllDocuments(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'))
      .map(doc => doc.toJS() as Entity | null)
      .filter((e): e is Entity => Boolean(e?.kind)),
  );
  for (const entity of entities) {
    entity.metadata.namespace ??= 'default';
    const spec = (entity.spec ?? {}) as { owner?: string; system?: string };
    const relations: NonNullable<Entity['relations']> = [];
    const ref = (value: string, defaultKind: string) =>
      stringifyEntityRef(
        parseEntityRef(value, { defaultKind, defaultNamespace: 'default' }),
      );
    if (spec.owner) {
      relations.push({ type: 'ownedBy', targetRef: ref(spec.owner, 'group') });
    }
    if (spec.system) {
      relations.push({ type: 'partOf', targetRef: ref(spec.system, 'system') });
    }
    entity.relations = relations;
  }
  const annotated = (e: Entity) =>
    Boolean(e.metadata.annotations?.['argocd/app-selector']);
  return [
    ...entities.filter(annotated),
    ...entities.filter(e => !annotated(e)),
  ];
}

/**
 * The example catalog, plus a second system chores-api is part of (a processor's relation:
 * `spec.system` names one) and a team without services.
 */
export function estateTestCatalog(): Entity[] {
  const entities = exampleCatalog();
  const chores = entities.find(e => e.metadata.name === 'chores-api')!;
  chores.relations!.push({
    type: 'partOf',
    targetRef: 'system:default/household',
  });
  entities.push(
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'household', namespace: 'default' },
      spec: { owner: 'team-household' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'team-empty', namespace: 'default' },
      spec: { type: 'team', children: [] },
    },
  );
  return entities;
}

export const estatePath = (kind: string, name: string, rest = '') =>
  `/api/gitops/entities/${kind}/default/${name}/estate${rest}`;

/** The estate's row of a service (throws when it is not there). */
export function rowOf(estate: EntityEstate, ref: string): EstateService {
  const row = estate.services.find(s => s.entityRef === ref);
  if (!row) throw new Error(`${ref} is not in ${estate.entityRef}'s estate`);
  return row;
}
