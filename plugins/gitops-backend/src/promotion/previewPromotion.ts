import type { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import type { PromotionPreview } from '@internal/backstage-plugin-gitops-common';
import { randomUUID } from 'node:crypto';
import { unifiedDiff } from '../util/unifiedDiff';
import { failedGates } from './gates';
import { planChange, resolveVersion } from './planChange';
import type { PromotionContext } from './promotionContext';
import { OPEN } from './promotionStates';
import { branchName } from './promotionText';
import type { Actor, PromotionRecord } from './types';
import { entityRefOf, validateActor, validateEnvs } from './validation';

/** What a user asks to promote (the version defaults to what `from` runs). */
export type PromoteInput = {
  entity: Entity;
  from: string;
  to: string;
  version?: string;
  requester: Actor;
};

/**
 * The exact change a promotion would make (a unified diff per file, at the current tip),
 * the gate results and the mode. Stored as a `previewed` promotion, so `create` can promote
 * exactly what was shown.
 */
export async function previewPromotion(
  ctx: PromotionContext,
  input: PromoteInput,
): Promise<PromotionPreview> {
  const entityRef = entityRefOf(input.entity);
  validateEnvs(ctx.settings.environments, input.from, input.to);
  validateActor(input.requester, 'requester');
  const requester = input.requester.userEntityRef;
  const tree = await ctx.repo.tip(ctx.settings.branch);
  const version = await resolveVersion(
    ctx,
    tree,
    input.entity,
    input.from,
    input.version,
  );
  const change = await planChange(ctx, {
    tree,
    entity: input.entity,
    to: input.to,
    version,
    deployedBy: requester,
  });
  if (change.previousVersion === version) {
    throw new ConflictError(
      `${input.entity.metadata.name} already runs ${version} in ${input.to}`,
    );
  }
  const policy = ctx.policy(input.to);
  const gates = await ctx.gates({
    entity: input.entity,
    entityRef,
    kind: 'promotion',
    from: input.from,
    to: input.to,
    version,
    requester,
    policy,
  });
  const files = change.files.map(f => ({
    path: f.path,
    diff: unifiedDiff(f.path, f.before, f.after),
  }));
  const now = ctx.now();
  const record: PromotionRecord = {
    id: randomUUID(),
    kind: 'promotion',
    entityRef,
    fromEnv: input.from,
    toEnv: input.to,
    version,
    previousVersion: change.previousVersion,
    requester,
    state: 'previewed',
    mode: policy.mode,
    baseSha: tree.sha,
    gateResults: gates,
    files: files.map(f => f.path),
    createdAt: now,
    updatedAt: now,
  };
  await ctx.store.insert(record);
  // One pull request per entity + environment at a time: a waiting one blocks this promotion.
  const [waiting] = await ctx.store.findByStates(OPEN, {
    entityRef,
    toEnv: input.to,
  });
  return {
    id: record.id,
    entityRef,
    from: input.from,
    to: input.to,
    version,
    previousVersion: change.previousVersion,
    mode: policy.mode,
    branch:
      policy.mode === 'pull-request'
        ? branchName('promote', input.entity.metadata.name, input.to, version)
        : undefined,
    baseSha: tree.sha,
    files,
    gates,
    approvalRequired: policy.approval,
    waiting: waiting && {
      id: waiting.id,
      version: waiting.version,
      state: waiting.state,
      requester: waiting.requester,
    },
    blocked: failedGates(gates).length > 0 || !!waiting,
  };
}
