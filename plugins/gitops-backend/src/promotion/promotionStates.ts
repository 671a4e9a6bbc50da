import { ConflictError } from '@backstage/errors';
import type { PromotionContext } from './promotionContext';
import type { PromotionRecord, PromotionState } from './types';

/** On the environment's branch: what a rollback can undo and sync tracking watches. */
export const LANDED: PromotionState[] = ['committed', 'merged', 'synced'];
/** Waiting in a pull request: at most one per entity + environment at a time. */
export const OPEN: PromotionState[] = ['pr-open', 'awaiting-approval'];

/** Refuses to `action` (approve, close) a promotion that is not waiting in a pull request. */
export function assertWaitingInPullRequest(
  promotion: PromotionRecord,
  action: string,
) {
  if (!OPEN.includes(promotion.state)) {
    throw new ConflictError(
      `promotion ${promotion.id} is ${promotion.state}; only a promotion waiting in a pull request can be ${action}`,
    );
  }
}

/** The pull request of a waiting promotion, as the provider addresses it. */
export const pullRequestOf = (ctx: PromotionContext, p: PromotionRecord) => ({
  url: p.prUrl ?? '',
  branch: p.branch ?? '',
  base: ctx.settings.branch,
});

/**
 * Marks the promotion a landed rollback undid as `rolled-back`. Only from a landed state, so a
 * replica that got there first (or a later rollback of it) is left alone.
 */
export async function markRolledBack(ctx: PromotionContext, id: string) {
  const original = await ctx.store.get(id);
  if (!original || !LANDED.includes(original.state)) return;
  const updated = await ctx.store.update(
    id,
    { state: 'rolled-back', updatedAt: ctx.now() },
    { expectStates: LANDED },
  );
  ctx.emit('rolled-back', updated);
}
