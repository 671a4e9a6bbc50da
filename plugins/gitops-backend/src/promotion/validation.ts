import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { nextEnvironment } from '@internal/backstage-plugin-gitops-common';
import { normalizedRef, sameRef } from './owners';
import type { PromotionContext } from './promotionContext';
import type { Actor, PromotionRecord } from './types';

/** A promotion only goes one step, to the environment after `from`. */
export function validateEnvs(environments: string[], from: string, to: string) {
  const oneOf = `(one of ${environments.join(', ')})`;
  if (typeof from !== 'string' || !environments.includes(from)) {
    throw new InputError(`from: unknown environment "${from}" ${oneOf}`);
  }
  if (typeof to !== 'string' || !environments.includes(to)) {
    throw new InputError(`to: unknown environment "${to}" ${oneOf}`);
  }
  const next = nextEnvironment(from, environments);
  if (to !== next) {
    throw new InputError(
      next
        ? `to: ${to} does not follow ${from}; a version in ${from} goes to ${next}`
        : `from: ${from} is the last environment; there is nothing to promote to`,
    );
  }
}

/** Every step is done by a signed-in user: they are the commit author and the audit actor. */
export function validateActor(actor: Actor | undefined, field: string) {
  if (!actor?.userEntityRef || !/^user:/i.test(actor.userEntityRef)) {
    throw new InputError(`${field}: must be a signed-in user`);
  }
}

/** The entity's ref as promotions store it (lowercase). */
export function entityRefOf(entity: Entity) {
  if (!entity?.metadata?.name) throw new InputError('entity: is missing');
  return normalizedRef(stringifyEntityRef(entity));
}

/** The stored promotion `id` of `entityRef`: 404 when unknown, 400 when of another entity. */
export async function promotionOf(
  ctx: PromotionContext,
  id: string,
  entityRef: string,
): Promise<PromotionRecord> {
  const promotion = await ctx.store.get(id);
  if (!promotion) throw new NotFoundError(`promotion ${id} not found`);
  if (!sameRef(promotion.entityRef, entityRef)) {
    throw new InputError(`entity: promotion ${id} is not of ${entityRef}`);
  }
  return promotion;
}
