import type { SimApp } from './app';
import type { ArgoInstance } from './instance';
import { goJson } from './objectJson';

/**
 * Self-heal timing, the application controller's flags (Argo CD v3): with the fixed timeout 0
 * (the default) a self-heal waits out an exponential backoff counted from the last operation's
 * end: 0 for the first attempt, then 2 s, 6 s, 18 s, ... at most 5 min; the attempt count
 * (`operation.sync.autoHealAttemptsCount`) starts over once the app stayed put for the cooldown.
 */
export interface SelfHealBehaviour {
  /** `--self-heal-timeout-seconds` (default 0: use the backoff). */
  selfHealTimeoutMs?: number;
  /** `--self-heal-backoff-timeout-seconds` (2 s). */
  selfHealBackoffMs?: number;
  /** `--self-heal-backoff-factor` (3). */
  selfHealBackoffFactor?: number;
  /** `--self-heal-backoff-cap-seconds` (300 s). */
  selfHealBackoffCapMs?: number;
  /** `--self-heal-backoff-cooldown-seconds` (330 s). */
  selfHealBackoffCooldownMs?: number;
}

/** How long the self-heal attempt number `attempts` + 1 waits after the last operation. */
export function selfHealDelayMs(b: SelfHealBehaviour, attempts: number) {
  if (b.selfHealTimeoutMs) return b.selfHealTimeoutMs;
  if (attempts <= 0) return 0;
  const step = b.selfHealBackoffMs ?? 2000;
  const factor = b.selfHealBackoffFactor ?? 3;
  const cap = b.selfHealBackoffCapMs ?? 300_000;
  return Math.min(cap, step * factor ** (attempts - 1));
}

const withoutRevision = (s: any) => goJson({ ...s, targetRevision: undefined });

/**
 * Argo's `alreadyAttemptedSync`: the last operation (whoever started it) synced the revision
 * HEAD resolves to, from the same source.
 */
function alreadyAttempted(app: SimApp) {
  const op = app.obj.status.operationState;
  if (!op?.operation?.sync || !op.syncResult) return false;
  return (
    op.syncResult.revision === app.headSha &&
    withoutRevision(op.syncResult.source) ===
      withoutRevision(app.obj.spec.source)
  );
}

type Plan =
  | { selfHeal: false; waitMs: number }
  | {
      selfHeal: true;
      waitMs: number;
      attempts: number;
      resources: Array<{ group?: string; kind: string; name: string }>;
    };

/** Whether (and when) the controller starts an automated sync now (appcontroller.go autoSync). */
function plan(inst: ArgoInstance, app: SimApp): Plan | undefined {
  const auto = app.obj.spec.syncPolicy?.automated;
  if (!auto || auto.enabled === false) return undefined;
  const st = app.obj.status;
  if (st.sync.status !== 'OutOfSync' || inst.isRunning(app)) return undefined;
  const key = `${app.headSha}:${app.desired.tag}`;
  if (key !== app.lastAutoSync && !alreadyAttempted(app))
    return { selfHeal: false, waitMs: 0 };
  // The same revision again: only self-heal repeats it, and never after a failed attempt.
  if (!auto.selfHeal || app.lastOpFailed) return undefined;
  const op = st.operationState;
  const finished = op?.finishedAt ? Date.parse(op.finishedAt) : undefined;
  const since = finished === undefined ? 0 : inst.clock.nowMs() - finished;
  const b = inst.behaviour;
  const cooled = since >= (b.selfHealBackoffCooldownMs ?? 330_000);
  const attempts = cooled ? 0 : op?.operation?.sync?.autoHealAttemptsCount ?? 0;
  return {
    selfHeal: true,
    waitMs: selfHealDelayMs(b, attempts) - since,
    attempts: attempts + 1,
    // A self-heal syncs only what is not Synced.
    resources: (st.resources ?? [])
      .filter((r: any) => r.status !== 'Synced')
      .map((r: any) => ({
        ...(r.group ? { group: r.group } : {}),
        kind: r.kind,
        name: r.name,
      })),
  };
}

/**
 * Schedules the automated sync an OutOfSync app gets: after `autoSyncDelayMs` (the controller
 * noticing), and for a self-heal not before its backoff ran out. Decided again when it fires.
 */
export function maybeAutoSync(inst: ArgoInstance, app: SimApp) {
  if (app.cancelAuto) return;
  const first = plan(inst, app);
  if (!first) return;
  const delay = Math.max(inst.behaviour.autoSyncDelayMs, first.waitMs);
  app.cancelAuto = inst.clock.after(delay, async () => {
    app.cancelAuto = undefined;
    if (!inst.apps.has(app.name)) return;
    const now = plan(inst, app);
    if (!now) return;
    if (now.waitMs > 0) {
      maybeAutoSync(inst, app);
      return;
    }
    app.lastAutoSync = `${app.headSha}:${app.desired.tag}`;
    await inst.startSync(app, {
      initiatedBy: { automated: true },
      prune: !!app.obj.spec.syncPolicy?.automated?.prune,
      ...(now.selfHeal
        ? { resources: now.resources, selfHealAttempts: now.attempts }
        : {}),
    });
  });
}
