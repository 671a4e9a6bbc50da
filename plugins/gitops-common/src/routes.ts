import type { CompoundEntityRef } from '@backstage/catalog-model';

/**
 * The path of an entity's routes under the gitops backend's base URL,
 * `/entities/<kind>/<namespace>/<name>`, lower-cased as catalog refs compare.
 *
 * @public
 */
export function gitopsEntityPath(entity: CompoundEntityRef): string {
  return `/entities/${[entity.kind, entity.namespace, entity.name]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .join('/')}`;
}
