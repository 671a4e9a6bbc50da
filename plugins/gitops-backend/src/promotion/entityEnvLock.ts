import { ConflictError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import type { PromotionContext } from './promotionContext';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Runs `fn` holding the database lock of one entity's environment, so two replicas never
 * interleave the read-check-push of the same target. Waits up to `lockWaitMs` for a busy lock
 * (jittered polls, so waiting replicas do not retry in step), then answers 409. The lock has a
 * TTL (a crashed holder frees it) and is renewed while `fn` runs.
 */
export async function withLock<T>(
  ctx: PromotionContext,
  entityRef: string,
  env: string,
  fn: () => Promise<T>,
): Promise<T> {
  const { store, settings, clock, logger } = ctx;
  const key = { entityRef, env };
  const holder = randomUUID();
  const ttl = settings.lockTtlMs;
  // The wait is wall time; lock times are the clock's, which all replicas' locks compare with.
  const deadline = Date.now() + settings.lockWaitMs;
  while (
    !(await store.tryAcquireLock(key, holder, ttl, clock.now().getTime()))
  ) {
    if (Date.now() >= deadline) {
      throw new ConflictError(
        `another promotion of ${entityRef} to ${env} is in progress; try again shortly`,
      );
    }
    await sleep(25 + Math.random() * 75);
  }
  // Keep the lock while the work runs longer than a third of its lifetime.
  const heartbeat = setInterval(() => {
    store
      .renewLock(key, holder, ttl, clock.now().getTime())
      .catch(() => undefined);
  }, Math.max(1000, ttl / 3));
  heartbeat.unref?.();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await store
      .releaseLock(key, holder)
      .catch(error =>
        logger?.warn(
          `could not release the promotion lock of ${entityRef} ${env}: ${
            (error as Error).message
          }`,
        ),
      );
  }
}
