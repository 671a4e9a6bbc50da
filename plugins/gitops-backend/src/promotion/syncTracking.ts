import { ConflictError } from '@backstage/errors';
import { environmentRunsVersion } from './gates';
import { normalizedRef } from './owners';
import type { PromotionContext } from './promotionContext';
import { LANDED } from './promotionStates';
import type { AppState, PromotionRecord } from './types';

/** Landed and not yet seen running: what waits for its apps to sync. */
const AWAITING_SYNC: PromotionRecord['state'][] = ['committed', 'merged'];

const envKey = (p: PromotionRecord) => `${p.entityRef}\u0000${p.toEnv}`;

/**
 * The newest landed promotion of each environment whose version the environment's apps now
 * run Synced + Healthy: those can move to `synced`. A rolled-back promotion still counts as
 * the newest: it hides the older ones, whose version the rollback may bring back.
 */
export function promotionsReachingSync(
  promotions: PromotionRecord[],
  appsByEnv: Record<string, AppState[] | undefined>,
): PromotionRecord[] {
  const newest = new Map<string, PromotionRecord>();
  for (const p of promotions) {
    if (!LANDED.includes(p.state) && p.state !== 'rolled-back') continue;
    const current = newest.get(envKey(p));
    if (!current || current.createdAt < p.createdAt) newest.set(envKey(p), p);
  }
  return [...newest.values()].filter(
    p =>
      AWAITING_SYNC.includes(p.state) &&
      environmentRunsVersion(appsByEnv[p.toEnv], p.version),
  );
}

/**
 * Moves the newest landed promotion of `env` to `synced` when the environment's apps run
 * its version Synced + Healthy (the lead calls it from snapshot updates).
 */
export async function markSynced(
  ctx: PromotionContext,
  input: { entityRef: string; env: string; apps: AppState[] },
): Promise<PromotionRecord[]> {
  const candidates = await ctx.store.findByStates([...LANDED, 'rolled-back'], {
    entityRef: normalizedRef(input.entityRef),
    toEnv: input.env,
  });
  const reached = promotionsReachingSync(candidates, {
    [input.env]: input.apps,
  });
  const updated: PromotionRecord[] = [];
  for (const promotion of reached) {
    try {
      const record = await ctx.store.update(
        promotion.id,
        { state: 'synced', updatedAt: ctx.now() },
        { expectStates: AWAITING_SYNC },
      );
      updated.push(record);
      ctx.emit('synced', record);
    } catch (error) {
      // Another replica got there first.
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return updated;
}

/**
 * The environments (per entity) where a landed promotion waits for its apps to run its
 * version: what `markSynced` should be called for when the snapshot of their apps changes.
 * With `entityRefs`, only those entities.
 */
export async function awaitingSync(
  ctx: PromotionContext,
  entityRefs?: Iterable<string>,
): Promise<Array<{ entityRef: string; env: string }>> {
  const wanted = entityRefs
    ? new Set([...entityRefs].map(normalizedRef))
    : undefined;
  const landed = await ctx.store.findByStates(AWAITING_SYNC);
  const seen = new Map<string, { entityRef: string; env: string }>();
  for (const p of landed) {
    if (wanted && !wanted.has(p.entityRef)) continue;
    seen.set(envKey(p), { entityRef: p.entityRef, env: p.toEnv });
  }
  return [...seen.values()];
}
