import type { Entity } from '@backstage/catalog-model';
import type { EstateMembership } from '../entities/membership';
import type { EntityContext, EntityResolver } from './entityContext';

/**
 * The members of a group's or a system's estate the caller may read in the catalog, from the
 * mirror and the cached read decisions (no catalog call): what the estate and DORA routes count.
 */
export async function readableMembers(
  deps: {
    resolver: Pick<EntityResolver, 'readable'>;
    membership: Pick<EstateMembership, 'membersOf' | 'entityOf'>;
  },
  context: EntityContext,
): Promise<Entity[]> {
  const candidates = deps.membership
    .membersOf(context.ref)
    .map(ref => deps.membership.entityOf(ref))
    .filter((e): e is Entity => Boolean(e));
  const readable = await deps.resolver.readable(
    context.credentials,
    candidates,
  );
  return candidates.filter((_, i) => readable[i]);
}
