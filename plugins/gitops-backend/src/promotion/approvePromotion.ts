import type { Entity } from '@backstage/catalog-model';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import { withLock } from './entityEnvLock';
import { failedGates } from './gates';
import { isOwner, sameRef } from './owners';
import { changeFn, recordedVersion, versionMoved } from './planChange';
import type { PromotionContext, PromotionResult } from './promotionContext';
import {
  assertWaitingInPullRequest,
  markRolledBack,
  OPEN,
  pullRequestOf,
} from './promotionStates';
import {
  commitMessage,
  describeGates,
  mergeMessage,
  subjectOf,
} from './promotionText';
import type { Actor, PromotionRecord } from './types';
import { entityRefOf, promotionOf, validateActor } from './validation';

/**
 * Merges the promotion's pull request. When the base changed the same lines meanwhile (e.g.
 * the registry), the branch is rebuilt on the base by re-applying the change (still refused
 * if the version moved) and merged again.
 */
async function mergeRebasingOnConflict(
  ctx: PromotionContext,
  promotion: PromotionRecord,
  entity: Entity,
  approver: string,
): Promise<{ sha: string }> {
  const pullRequest = pullRequestOf(ctx, promotion);
  const service = entity.metadata.name;
  const merge = async () =>
    ctx.pullRequests.merge({
      pullRequest,
      author: await ctx.author(approver),
      message: mergeMessage(promotion, service, approver),
    });
  try {
    return await merge();
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    ctx.logger?.info(
      `rebasing ${pullRequest.branch} onto ${pullRequest.base}: ${error.message}`,
    );
    await ctx.repo.commit({
      branch: pullRequest.branch,
      createFrom: pullRequest.base,
      replaceBranch: true,
      author: await ctx.author(promotion.requester),
      change: changeFn(ctx, {
        entity,
        to: promotion.toEnv,
        version: promotion.version,
        expectedPrevious: promotion.previousVersion,
        deployedBy: promotion.requester,
        message: commitMessage(subjectOf(promotion, service)),
      }),
    });
    return merge();
  }
}

/**
 * Approves and merges a promotion waiting in a pull request. Four eyes: the approver must
 * own the entity and be someone other than the requester. The target must still be at the
 * version the promotion replaces, and the automatic gates must still pass.
 */
export async function approvePromotion(
  ctx: PromotionContext,
  input: { id: string; entity: Entity; approver: Actor },
): Promise<PromotionResult> {
  validateActor(input.approver, 'approver');
  const entityRef = entityRefOf(input.entity);
  const promotion = await promotionOf(ctx, input.id, entityRef);
  assertWaitingInPullRequest(promotion, 'approved');
  const approver = input.approver.userEntityRef;
  // Four eyes where the environment needs an approval; a plain pull request (pr-open) may
  // be merged by any owner, its requester included.
  if (
    promotion.state === 'awaiting-approval' &&
    sameRef(approver, promotion.requester)
  ) {
    throw new NotAllowedError(
      `four eyes: ${approver} requested this promotion and cannot approve it; another owner of ${entityRef} must`,
    );
  }
  if (!isOwner(input.approver, input.entity)) {
    throw new NotAllowedError(
      `${approver} does not own ${entityRef}; only its owners can approve`,
    );
  }
  const policy = ctx.policy(promotion.toEnv);
  const result = await withLock(ctx, entityRef, promotion.toEnv, async () => {
    const tree = await ctx.repo.tip(ctx.settings.branch);
    const current = await recordedVersion(
      ctx,
      tree,
      input.entity,
      promotion.toEnv,
    );
    if (current.version !== promotion.previousVersion) {
      throw versionMoved({
        service: input.entity.metadata.name,
        env: promotion.toEnv,
        current: current.version,
        expected: promotion.previousVersion,
        since: 'this pull request was opened',
        advice: 'close it and promote again',
      });
    }
    const gates = await ctx.gates({
      entity: input.entity,
      entityRef,
      kind: promotion.kind,
      from: promotion.fromEnv,
      to: promotion.toEnv,
      version: promotion.version,
      requester: promotion.requester,
      approver,
      policy,
    });
    const failed = failedGates(gates);
    if (failed.length) {
      throw new ConflictError(`cannot merge yet: ${describeGates(failed)}`);
    }
    let merged: { sha: string };
    try {
      merged = await mergeRebasingOnConflict(
        ctx,
        promotion,
        input.entity,
        approver,
      );
    } catch (error) {
      // Only a conflict ends the promotion (it cannot merge as it is); after any other
      // error it stays waiting and can be approved again.
      if (error instanceof ConflictError) {
        const failedRecord = await ctx.store.update(
          promotion.id,
          {
            state: 'failed',
            approver,
            error: error.message,
            updatedAt: ctx.now(),
          },
          { expectStates: OPEN },
        );
        ctx.emit('failed', failedRecord, approver);
      }
      throw error;
    }
    const updated = await ctx.store.update(
      promotion.id,
      {
        state: 'merged',
        approver,
        commitSha: merged.sha,
        gateResults: gates,
        updatedAt: ctx.now(),
      },
      { expectStates: OPEN },
    );
    if (promotion.rollbackOf) await markRolledBack(ctx, promotion.rollbackOf);
    return updated;
  });
  ctx.emit('approved', result, approver);
  ctx.emit('merged', result, approver);
  return result;
}
