import type { Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { withLock } from './entityEnvLock';
import { isOwner, sameRef } from './owners';
import type { PromotionContext } from './promotionContext';
import {
  assertWaitingInPullRequest,
  OPEN,
  pullRequestOf,
} from './promotionStates';
import type { Actor, PromotionRecord } from './types';
import { entityRefOf, promotionOf, validateActor } from './validation';

/**
 * Closes a promotion waiting in a pull request without merging it (its requester or an
 * owner of the entity): the pull request is closed and the promotion ends `failed`.
 */
export async function closePromotion(
  ctx: PromotionContext,
  input: { id: string; entity: Entity; actor: Actor },
): Promise<PromotionRecord> {
  validateActor(input.actor, 'actor');
  const entityRef = entityRefOf(input.entity);
  const promotion = await promotionOf(ctx, input.id, entityRef);
  assertWaitingInPullRequest(promotion, 'closed');
  const actor = input.actor.userEntityRef;
  if (
    !sameRef(actor, promotion.requester) &&
    !isOwner(input.actor, input.entity)
  ) {
    throw new NotAllowedError(
      `${actor} neither requested this promotion nor owns ${entityRef}`,
    );
  }
  return withLock(ctx, entityRef, promotion.toEnv, async () => {
    if (promotion.branch) {
      await ctx.pullRequests.close({
        pullRequest: pullRequestOf(ctx, promotion),
      });
    }
    const closed = await ctx.store.update(
      promotion.id,
      {
        state: 'failed',
        error: `closed without merging by ${actor}`,
        updatedAt: ctx.now(),
      },
      { expectStates: OPEN },
    );
    ctx.emit('failed', closed, actor);
    return closed;
  });
}
