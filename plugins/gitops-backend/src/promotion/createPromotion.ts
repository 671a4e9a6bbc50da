import { InputError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { landPromotion } from './landPromotion';
import { sameRef } from './owners';
import { planChange, resolveVersion } from './planChange';
import type { PromotionContext, PromotionResult } from './promotionContext';
import type { PromoteInput } from './previewPromotion';
import type { PromotionRecord } from './types';
import { entityRefOf, validateActor, validateEnvs } from './validation';

export type CreatePromotionInput = PromoteInput & {
  /** A preview to promote exactly (its version and the version it replaces). */
  previewId?: string;
  /** Refuse unless the target is at this version (default: what it is at now). */
  expectedPreviousVersion?: string;
};

/** An open preview of the same entity and requester; its fields win over the input's. */
async function usablePreview(
  ctx: PromotionContext,
  previewId: string,
  entityRef: string,
  requester: string,
): Promise<PromotionRecord> {
  const previewed = await ctx.store.get(previewId);
  if (!previewed || previewed.state !== 'previewed') {
    throw new InputError(
      `previewId: no open preview ${previewId} (it may have been used already)`,
    );
  }
  if (
    !sameRef(previewed.entityRef, entityRef) ||
    !sameRef(previewed.requester, requester)
  ) {
    throw new InputError(
      'previewId: the preview is of another entity or requester',
    );
  }
  return previewed;
}

/**
 * Promotes: fixes what to promote (from the preview, or the input and the tip), evaluates the
 * gates, then lands it. The target's version is pinned here so that landing refuses, rather
 * than overwrites, a version that moved meanwhile.
 */
export async function createPromotion(
  ctx: PromotionContext,
  input: CreatePromotionInput,
): Promise<PromotionResult> {
  const entityRef = entityRefOf(input.entity);
  validateActor(input.requester, 'requester');
  const requester = input.requester.userEntityRef;
  const previewed = input.previewId
    ? await usablePreview(ctx, input.previewId, entityRef, requester)
    : undefined;
  const from = previewed ? previewed.fromEnv : input.from;
  const to = previewed ? previewed.toEnv : input.to;
  let expectedPrevious = previewed
    ? previewed.previousVersion
    : input.expectedPreviousVersion;
  validateEnvs(ctx.settings.environments, from, to);
  const tree = await ctx.repo.tip(ctx.settings.branch);
  const baseSha = previewed?.baseSha ?? tree.sha;
  const version = await resolveVersion(
    ctx,
    tree,
    input.entity,
    from,
    previewed ? previewed.version : input.version,
  );
  if (!input.previewId && input.expectedPreviousVersion === undefined) {
    const change = await planChange(ctx, {
      tree,
      entity: input.entity,
      to,
      version,
      deployedBy: requester,
    });
    expectedPrevious = change.previousVersion;
  }
  const policy = ctx.policy(to);
  const gates = await ctx.gates({
    entity: input.entity,
    entityRef,
    kind: 'promotion',
    from,
    to,
    version,
    requester,
    policy,
  });
  const now = ctx.now();
  const record: PromotionRecord = {
    id: previewed?.id ?? randomUUID(),
    kind: 'promotion',
    entityRef,
    fromEnv: from,
    toEnv: to,
    version,
    previousVersion: expectedPrevious,
    requester,
    state: 'failed',
    mode: policy.mode,
    baseSha,
    gateResults: gates,
    files: [],
    createdAt: previewed?.createdAt ?? now,
    updatedAt: now,
  };
  return landPromotion(ctx, record, {
    entity: input.entity,
    policy,
    previewed: !!previewed,
  });
}
