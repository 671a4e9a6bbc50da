import type { Entity } from '@backstage/catalog-model';
import type { PromotionPreview } from '@internal/backstage-plugin-gitops-common';
import { approvePromotion } from './approvePromotion';
import { closePromotion } from './closePromotion';
import { createPromotion, type CreatePromotionInput } from './createPromotion';
import { normalizedRef } from './owners';
import { previewPromotion, type PromoteInput } from './previewPromotion';
import {
  promotionContext,
  type PromotionContext,
  type PromotionResult,
  type PromotionServiceOptions,
} from './promotionContext';
import { OPEN } from './promotionStates';
import { rollbackPromotion } from './rollbackPromotion';
import { awaitingSync, markSynced } from './syncTracking';
import type { Actor, AppState, PromotionRecord } from './types';

/** What a promotion would do, before it does it (the API type of gitops-common). */
export type { PromotionPreview };
export type {
  PromotionEvent,
  PromotionResult,
  PromotionServiceOptions,
} from './promotionContext';
export { promotionsReachingSync } from './syncTracking';

/**
 * Promotion of a version from one environment to the next through a git change: preview
 * (exact diff + gates), create (commit, or branch + pull request), approve (four eyes, merge),
 * rollback (pin the previous version), markSynced, list. Changes to one entity's environment
 * are serialised by a lock in the database, so replicas never interleave; the git push never
 * forces, a moved branch makes the change re-read and re-applied, and a change of the target
 * version since the preview is refused, never overwritten.
 *
 * A facade: each step lives in its own file (see README.md) and works on one shared context.
 */
export class PromotionService {
  private readonly ctx: PromotionContext;

  constructor(options: PromotionServiceOptions) {
    this.ctx = promotionContext(options);
  }

  /**
   * The exact change a promotion would make (a unified diff per file, at the current tip),
   * the gate results and the mode. Stored as a `previewed` promotion.
   */
  preview(input: PromoteInput): Promise<PromotionPreview> {
    return previewPromotion(this.ctx, input);
  }

  /**
   * Promotes: under the database lock of the entity's target environment, re-reads the tip,
   * checks the gates and that the target still has the version the preview saw, then commits
   * and pushes (commit mode) or pushes a branch and opens a pull request (pull-request mode;
   * `awaiting-approval` when the environment needs an approval, else `pr-open`).
   */
  create(input: CreatePromotionInput): Promise<PromotionResult> {
    return createPromotion(this.ctx, input);
  }

  /**
   * Approves and merges a promotion waiting in a pull request. Four eyes: the approver must
   * own the entity and be someone other than the requester. The target must still be at the
   * version the promotion replaces, and the automatic gates must still pass.
   */
  approve(input: {
    id: string;
    entity: Entity;
    approver: Actor;
  }): Promise<PromotionResult> {
    return approvePromotion(this.ctx, input);
  }

  /**
   * Closes a promotion waiting in a pull request without merging it (its requester or an
   * owner of the entity): the pull request is closed and the promotion ends `failed`.
   */
  close(input: {
    id: string;
    entity: Entity;
    actor: Actor;
  }): Promise<PromotionRecord> {
    return closePromotion(this.ctx, input);
  }

  /**
   * Rolls a landed promotion back by pinning the version it replaced, with the same gates and
   * mode as a promotion into that environment (a prod rollback waits for an approval). Refused
   * when the environment has moved on from the promotion's version.
   */
  rollback(input: {
    id: string;
    entity: Entity;
    requester: Actor;
  }): Promise<PromotionResult> {
    return rollbackPromotion(this.ctx, input);
  }

  /**
   * Moves the newest landed promotion of `env` to `synced` when the environment's apps run
   * its version Synced + Healthy (the lead calls it from snapshot updates).
   */
  markSynced(input: {
    entityRef: string;
    env: string;
    apps: AppState[];
  }): Promise<PromotionRecord[]> {
    return markSynced(this.ctx, input);
  }

  /**
   * The environments (per entity) where a landed promotion waits for its apps to run its
   * version: what `markSynced` should be called for when the snapshot of their apps changes.
   * With `entityRefs`, only those entities.
   */
  awaitingSync(
    entityRefs?: Iterable<string>,
  ): Promise<Array<{ entityRef: string; env: string }>> {
    return awaitingSync(this.ctx, entityRefs);
  }

  /**
   * Every promotion waiting in a pull request for an approval (one query, whatever the number
   * of entities: the estate pages filter it to their services), oldest first.
   */
  waiting(): Promise<PromotionRecord[]> {
    return this.ctx.store.findByStates(OPEN);
  }

  /** Promotions and rollbacks of an entity, newest first (previews left out). */
  list(entityRef: string, options: { limit?: number } = {}) {
    return this.ctx.store.list(normalizedRef(entityRef), options);
  }

  get(id: string) {
    return this.ctx.store.get(id);
  }
}
