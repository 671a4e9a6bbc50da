/*
 * `waitFor` of `gitops:environment:promote`: polls the promotion list until the promotion
 * landed in git or runs synced, and fails on a failed or rolled-back promotion or the timeout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  PromotionRecord,
  PromotionState,
} from '@internal/backstage-plugin-gitops-common';
import type { PromotionApi } from '../lib/promotionApi';
import { LANDED } from './environmentPromote.existing';
import { describe, PromoteContext } from './environmentPromote.report';

/** The states that satisfy each `waitFor`. */
export const REACHED: Record<'committed' | 'synced', PromotionState[]> = {
  committed: LANDED,
  synced: ['synced'],
};
const FAILED: PromotionState[] = ['failed', 'rolled-back'];

export async function waitForState(
  ctx: PromoteContext,
  api: PromotionApi,
  initial: PromotionRecord,
  options: {
    waitFor: 'committed' | 'synced';
    timeoutMs: number;
    pollIntervalMs: number;
  },
): Promise<PromotionRecord> {
  const deadline = Date.now() + options.timeoutMs;
  const id = initial.id;
  let current = initial;
  ctx.logger.info(
    `Waiting up to ${Math.round(options.timeoutMs / 1000)} s for promotion ${
      current.id
    } to be ${options.waitFor} (now ${current.state})`,
  );
  for (;;) {
    if (REACHED[options.waitFor].includes(current.state)) return current;
    if (FAILED.includes(current.state)) {
      throw new Error(
        `Promotion ${current.id} of ${current.entityRef} ${
          current.version
        } to ${current.to} is ${current.state}${
          current.error ? `: ${current.error}` : ''
        }`,
      );
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Timed out waiting for promotion ${current.id} to be ${options.waitFor}: it is ${current.state}; it stays, and running the step again waits for it again`,
      );
    }
    await sleep(
      Math.min(options.pollIntervalMs, Math.max(0, deadline - Date.now())),
      undefined,
      { signal: ctx.signal },
    );
    const next = (await api.list()).items.find(p => p.id === id);
    if (!next) {
      throw new Error(`Promotion ${current.id} is no longer listed`);
    }
    if (next.state !== current.state) {
      ctx.logger.info(`Promotion ${next.id} is ${describe(next)}`);
    }
    current = next;
  }
}
