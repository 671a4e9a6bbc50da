import type { SimApp } from './app';
import type { ArgoInstance } from './instance';

/** `5s`, `3m`, `1h`, `1m30s` (Go durations as Argo CD's retry backoff takes them) in ms. */
export function durationMs(text: string | undefined, fallbackMs: number) {
  if (!text) return fallbackMs;
  const units: Record<string, number> = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  let ms = 0;
  let matched = '';
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    ms += Number(m[1]) * units[m[2]];
    matched += m[0];
  }
  return matched === text ? ms : fallbackMs;
}

/**
 * Argo CD's retry of a failed sync (`syncPolicy.retry`, copied to the operation): while fewer
 * than `limit` retries were made, the operation stays Running with "Retrying attempt #N at
 * hh:mm:ss: <why>" and `retryCount` N, and runs again after the backoff (`duration` ×
 * `factor`^(N-1), at most `maxDuration`). Answers whether a retry was scheduled.
 */
export function scheduleRetry(
  inst: ArgoInstance,
  app: SimApp,
  failure: string,
  again: () => void,
): boolean {
  const retry = app.obj.operation?.retry;
  const limit = Number(retry?.limit ?? 0);
  const st = app.obj.status.operationState;
  const count = Number(st.retryCount ?? 0);
  if (!(limit > 0) || count >= limit) return false;
  const backoff = retry?.backoff ?? {};
  const base = durationMs(backoff.duration, 5000);
  const max = durationMs(backoff.maxDuration, 180_000);
  const factor = Number(backoff.factor ?? 2);
  const delay = Math.min(base * factor ** count, max);
  const at = new Date(inst.clock.nowMs() + delay).toISOString().slice(11, 19);
  st.retryCount = count + 1;
  st.phase = 'Running';
  st.message = `Retrying attempt #${count + 1} at ${at}: ${failure}`;
  app.cancelOp = inst.clock.after(delay, again);
  inst.touch(app);
  return true;
}
