import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SourceState } from '@internal/backstage-plugin-gitops-node';
import { describeError } from '../util/errors';
import { ListGate } from './listGate';

/** How an informer lists and watches one upstream. */
export type InformerOptions = {
  /** For log lines, e.g. `argocd argocd-main`. */
  name: string;
  /**
   * A complete list, handed to the store; answers the version to watch from. It calls
   * `takeTurn` once the answer has started and before parsing it (see `ListGate`).
   */
  list(
    signal: AbortSignal,
    takeTurn: () => Promise<void>,
  ): Promise<{ resourceVersion?: string }>;
  /** Changes after `resourceVersion`; resolves when aborted, rejects when the stream ends or breaks. */
  watch(
    resourceVersion: string | undefined,
    signal: AbortSignal,
  ): Promise<void>;
  setStatus(status: SourceState): void;
  /** A full re-list this often while the stream is healthy (a slow resync). */
  resyncMs: number;
  logger: LoggerService;
  secrets?: string[];
  /** Waits after failures: doubling from `min` up to `max` (default 1 s … 60 s). */
  retryMs?: { min: number; max: number };
  /** Whose turn it is to list, shared by the informers of one backend (default: its own). */
  gate?: ListGate;
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>(resolve => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * The informer loop, as Kubernetes controllers and Argo CD's UI run it: list, then watch from
 * the list's version; a full re-list only on the slow resync or when the stream can't go on. A
 * failure keeps the last good state (reported `stale`), is logged once (until it changes or
 * recovers) and retried with backoff. Never throws; returns when the signal aborts.
 */
export async function runInformer(
  options: InformerOptions,
  signal: AbortSignal,
): Promise<void> {
  const { logger } = options;
  const retry = options.retryMs ?? { min: 1000, max: 60_000 };
  const gate = options.gate ?? new ListGate();
  let listed = false;
  let failures = 0;
  let lastError: string | undefined;
  /** The turn taken at the resync while the stream still ran, if it was. */
  const held: { turn?: () => void } = {};
  while (!signal.aborted) {
    try {
      const takeTurn = async () => {
        held.turn ??= await gate.acquire(signal);
      };
      let resourceVersion: string | undefined;
      try {
        ({ resourceVersion } = await options.list(signal, takeTurn));
      } finally {
        held.turn?.();
        held.turn = undefined;
      }
      listed = true;
      if (lastError) {
        logger.info(`gitops: ${options.name} recovered`);
        lastError = undefined;
      }
      failures = 0;
      options.setStatus({ state: 'ok' });
      const resync = new AbortController();
      const watching = AbortSignal.any([signal, resync.signal]);
      // Up to 10 % later at random (client-go randomises its watch timeouts the same way):
      // instances started together do not re-list together. The stream stays open until this
      // instance's turn to list has come, so nothing is missed while another one lists.
      const timer = setTimeout(() => {
        gate.acquire(watching).then(
          release => {
            held.turn = release;
            resync.abort();
          },
          () => {},
        );
      }, options.resyncMs * (1 + Math.random() * 0.1));
      try {
        await options.watch(resourceVersion, watching);
      } catch (error) {
        if (!resync.signal.aborted) throw error;
      } finally {
        clearTimeout(timer);
        // The stream ended before the turn came: stop waiting (the loop asks again).
        resync.abort();
      }
    } catch (error) {
      if (signal.aborted) return;
      failures++;
      const delay = Math.min(retry.min * 2 ** (failures - 1), retry.max);
      const message = describeError(error, options.secrets);
      if (message !== lastError) {
        logger.warn(
          `gitops: ${options.name}: ${message}; ${
            listed ? 'keeping the last good state, ' : ''
          }listing again in ${Math.round(delay / 100) / 10}s`,
        );
      } else {
        logger.debug(`gitops: ${options.name}: still failing: ${message}`);
      }
      lastError = message;
      options.setStatus({
        state: listed ? 'stale' : 'error',
        error: message,
      });
      await sleep(delay, signal);
    }
  }
}
