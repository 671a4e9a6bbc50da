import {
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { Actor } from './types';

/** Entity refs compare case-insensitively; promotions store them lowercase. */
export const normalizedRef = (ref: string) => ref.toLocaleLowerCase('en-US');

/** The owners of an entity (`spec.owner` and `ownedBy` relations), as lowercase refs. */
export function entityOwners(entity: Entity): string[] {
  const owners = new Set<string>();
  const spec = entity.spec as { owner?: unknown } | undefined;
  if (typeof spec?.owner === 'string' && spec.owner.trim()) {
    try {
      owners.add(
        normalizedRef(
          stringifyEntityRef(
            parseEntityRef(spec.owner.trim(), {
              defaultKind: 'group',
              defaultNamespace: entity.metadata.namespace ?? 'default',
            }),
          ),
        ),
      );
    } catch {
      // An unparsable owner owns nothing.
    }
  }
  for (const relation of entity.relations ?? []) {
    if (relation.type === RELATION_OWNED_BY) {
      owners.add(normalizedRef(relation.targetRef));
    }
  }
  return [...owners];
}

/** True when the actor (directly or through a group) owns the entity. */
export function isOwner(actor: Actor, entity: Entity): boolean {
  const owners = new Set(entityOwners(entity));
  const refs = actor.ownershipEntityRefs?.length
    ? actor.ownershipEntityRefs
    : [actor.userEntityRef];
  return refs.some(ref => owners.has(normalizedRef(ref)));
}

export const sameRef = (a: string, b: string) =>
  normalizedRef(a) === normalizedRef(b);
