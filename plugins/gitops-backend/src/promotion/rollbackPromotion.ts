import type { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { landPromotion } from './landPromotion';
import type { PromotionContext, PromotionResult } from './promotionContext';
import { LANDED } from './promotionStates';
import type { Actor } from './types';
import { entityRefOf, promotionOf, validateActor } from './validation';

/**
 * Rolls a landed promotion back by pinning the version it replaced, with the same gates and
 * mode as a promotion into that environment (a prod rollback waits for an approval). Refused
 * when the environment has moved on from the promotion's version.
 */
export async function rollbackPromotion(
  ctx: PromotionContext,
  input: { id: string; entity: Entity; requester: Actor },
): Promise<PromotionResult> {
  validateActor(input.requester, 'requester');
  const entityRef = entityRefOf(input.entity);
  const original = await promotionOf(ctx, input.id, entityRef);
  if (!LANDED.includes(original.state)) {
    throw new ConflictError(
      `promotion ${input.id} is ${original.state}; only a landed promotion (committed, merged or synced) can be rolled back`,
    );
  }
  if (!original.previousVersion) {
    throw new ConflictError(
      `promotion ${input.id} replaced no version; there is nothing to roll back to`,
    );
  }
  const env = original.toEnv;
  const requester = input.requester.userEntityRef;
  const policy = ctx.policy(env);
  const gates = await ctx.gates({
    entity: input.entity,
    entityRef,
    kind: 'rollback',
    from: env,
    to: env,
    version: original.previousVersion,
    requester,
    policy,
  });
  const tree = await ctx.repo.tip(ctx.settings.branch);
  const now = ctx.now();
  return landPromotion(
    ctx,
    {
      id: randomUUID(),
      kind: 'rollback',
      entityRef,
      fromEnv: env,
      toEnv: env,
      version: original.previousVersion,
      // The rollback only applies while the environment still runs the promotion's version.
      previousVersion: original.version,
      requester,
      state: 'failed',
      mode: policy.mode,
      baseSha: tree.sha,
      gateResults: gates,
      files: [],
      rollbackOf: original.id,
      createdAt: now,
      updatedAt: now,
    },
    { entity: input.entity, policy, previewed: false },
  );
}
