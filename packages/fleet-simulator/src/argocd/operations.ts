import { ArgoError, GRPC } from './errors';
import { SimApp, imageRef, iso, namespaceOf } from './app';
import { kustomizeObjects } from './kustomizeObjects';
import { scheduleRetry } from './syncRetry';
import { Desired, renderDesired } from './render';
import {
  planSync,
  runSync,
  secretCreatedBy,
  type Manifest,
  type SyncOutcome,
} from './syncPlan';
import type { ArgoInstance, SyncRequest } from './instance';
import { syncDrift } from './drift';
import { workloadKind } from './k8sObjects';
import { rolloutApplied } from './rollouts/lifecycle';

const clone = <T>(v: T): T =>
  v === undefined ? v : JSON.parse(JSON.stringify(v));

/** Whether the sync applies the Deployment (a selective sync may leave it out). */
const rollsOut = (req: SyncRequest) =>
  !req.resources ||
  req.resources.some(r => r.kind === 'Deployment' || r.kind === 'Rollout');

/**
 * Argo's operations on one app: sync (Running → Succeeded/Failed, then Progressing →
 * Healthy/Degraded), rollback to a history entry, and terminating a running operation.
 */
export async function startSync(
  inst: ArgoInstance,
  app: SimApp,
  req: SyncRequest,
): Promise<void> {
  if (inst.isRunning(app)) {
    throw new ArgoError(
      400,
      GRPC.FailedPrecondition,
      'another operation is already in progress',
    );
  }
  let sha = app.headSha;
  let target: Desired = app.desired;
  let asked = sha;
  let objects: Manifest[] | undefined;
  const source = clone(req.source ?? app.obj.spec.source);
  if (!app.filler) {
    const rev = req.revision || app.obj.spec.source?.targetRevision || 'HEAD';
    asked = rev;
    const resolved = await inst.repo.resolve(rev);
    if (!resolved) {
      throw new ArgoError(
        400,
        GRPC.Unknown,
        `rpc error: code = Unknown desc = unable to resolve '${rev}' to a commit SHA`,
      );
    }
    sha = resolved;
    target = await renderDesired(inst.repo, sha, source);
    objects = source?.helm
      ? undefined
      : await kustomizeObjects(inst.repo, sha, source?.path ?? '');
    if (objects && !app.liveSecrets)
      app.liveSecrets = await secretsLiveAt(inst, app, source, sha, objects);
  }
  app.cancelAuto?.();
  app.cancelAuto = undefined;
  app.cancelHealth?.();
  app.cancelHealth = undefined;
  const started = inst.clock.nowMs();
  const operation = {
    sync: {
      revision: sha,
      ...(req.prune ? { prune: true } : {}),
      ...(req.dryRun ? { dryRun: true } : {}),
      ...(req.resources ? { resources: req.resources } : {}),
      ...(req.selfHealAttempts
        ? { autoHealAttemptsCount: req.selfHealAttempts }
        : {}),
      ...(app.obj.spec.syncPolicy?.syncOptions
        ? { syncOptions: app.obj.spec.syncPolicy.syncOptions }
        : {}),
    },
    initiatedBy: req.initiatedBy,
    retry: clone(app.obj.spec.syncPolicy?.retry) ?? {},
  };
  app.obj.operation = operation;
  app.obj.status.operationState = {
    operation,
    phase: 'Running',
    message: 'one or more tasks are running',
    startedAt: iso(started),
  };
  if (!req.dryRun && rollsOut(req)) {
    inst.setHealth(app, {
      status: 'Progressing',
      message: `Waiting for rollout to finish: 0 of ${
        target.replicas ?? 1
      } updated replicas are available...`,
    });
  }
  if (!req.initiatedBy.automated) {
    // As Argo's API server words it: "initiated sync to HEAD (<sha>)" for a ref it resolved.
    const shown = asked === sha ? sha : `${asked} (${sha})`;
    inst.events.emit('operation', {
      app,
      username: req.initiatedBy.username ?? '',
      action: req.action ?? `initiated sync to ${shown}`,
    });
  }
  inst.touch(app);
  app.cancelOp = inst.clock.after(inst.behaviour.syncDurationMs, () =>
    finishSync(inst, app, sha, target, source, started, req, objects),
  );
}

/**
 * The Secrets the cluster holds before the app's first simulated sync: those the objects of its
 * live revision create (an ExternalSecret's target), none for an app never deployed. Not the
 * target's: a commit that adds an ExternalSecret and a PreSync hook reading it fails the sync,
 * as in a real cluster, where the Secret appears only in the Sync phase.
 */
async function secretsLiveAt(
  inst: ArgoInstance,
  app: SimApp,
  source: any,
  sha: string,
  target: Manifest[],
): Promise<Set<string>> {
  const secrets = new Set<string>();
  if (!app.live.sha) return secrets;
  const live =
    app.live.sha === sha
      ? target
      : await kustomizeObjects(
          inst.repo,
          app.live.sha,
          source?.path ?? '',
        ).catch(() => [] as Manifest[]);
  for (const m of live ?? []) {
    const secret = secretCreatedBy(m);
    if (secret) secrets.add(secret);
  }
  return secrets;
}

/**
 * The sync's tasks in Argo CD's order (syncPlan.ts) when the source's objects are known (a
 * Kustomize directory), against the Secrets the cluster holds. A dry run changes nothing.
 */
function planned(
  app: SimApp,
  objects: Manifest[] | undefined,
  dryRun: boolean | undefined,
): SyncOutcome | undefined {
  if (!objects) return undefined;
  app.liveSecrets ??= new Set();
  const secrets = dryRun ? new Set(app.liveSecrets) : app.liveSecrets;
  return runSync(planSync(objects), { namespace: namespaceOf(app), secrets });
}

function finishSync(
  inst: ArgoInstance,
  app: SimApp,
  sha: string,
  target: Desired,
  source: any,
  started: number,
  req: SyncRequest,
  objects?: Manifest[],
) {
  app.cancelOp = undefined;
  const st = app.obj.status.operationState;
  const again = () =>
    finishSync(inst, app, sha, target, source, started, req, objects);
  const now = inst.clock.nowMs();
  // A selective sync (a self-heal) applies only its resources, the live-only ones aside.
  const managed = [
    { kind: 'Service', name: app.service },
    { kind: workloadKind(target), name: app.service },
    { kind: 'ConfigMap', name: `${app.service}-config` },
  ];
  const chosen = req.resources
    ? managed.filter(m =>
        req.resources!.some(r => r.kind === m.kind && r.name === m.name),
      )
    : managed.slice(0, 2);
  const resources = (kindStatus: string) =>
    chosen.map(({ kind, name }) => ({
      ...(kind === 'Deployment' ? { group: 'apps' } : {}),
      ...(kind === 'Rollout' ? { group: 'argoproj.io' } : {}),
      version: kind === 'Rollout' ? 'v1alpha1' : 'v1',
      kind,
      namespace: app.obj.spec.destination?.namespace,
      name,
      status: kindStatus,
      message:
        kindStatus === 'Synced'
          ? `${kind.toLowerCase()}${
              { Deployment: '.apps', Rollout: '.argoproj.io' }[kind] ?? ''
            }/${name} configured${req.dryRun ? ' (dry run)' : ''}`
          : 'the server rejected the image',
      hookPhase: kindStatus === 'Synced' ? 'Running' : 'Failed',
      syncPhase: 'Sync',
    }));
  if (inst.isFailing(target.tag)) {
    const message = `one or more objects failed to apply, reason: admission webhook denied image ${imageRef(
      target,
      app.service,
    )}`;
    st.syncResult = {
      revision: sha,
      source,
      resources: resources('SyncFailed'),
    };
    if (scheduleRetry(inst, app, message, again)) return;
    delete app.obj.operation;
    st.finishedAt = iso(now);
    st.phase = 'Failed';
    st.message = message;
    app.lastOpFailed = true;
    inst.refresh(app);
    inst.touch(app);
    return;
  }
  // Hooks don't run in a selective sync, so it needs no plan.
  const outcome = req.resources ? undefined : planned(app, objects, req.dryRun);
  if (outcome?.phase === 'Failed') {
    st.syncResult = { revision: sha, source, resources: outcome.resources };
    if (scheduleRetry(inst, app, outcome.message, again)) return;
    // Argo CD keeps the live state as it was: nothing after the failed step was applied.
    delete app.obj.operation;
    st.finishedAt = iso(now);
    st.phase = 'Failed';
    st.message = outcome.message;
    app.lastOpFailed = true;
    inst.setHealth(app, inst.baseHealth(app));
    inst.refresh(app);
    inst.touch(app);
    return;
  }
  delete app.obj.operation;
  st.finishedAt = iso(now);
  app.lastOpFailed = false;
  st.phase = 'Succeeded';
  st.message = req.dryRun
    ? 'successfully synced (dry run)'
    : 'successfully synced (all tasks run)';
  st.syncResult = {
    revision: sha,
    source,
    resources: [
      ...(outcome?.resources ?? resources('Synced')),
      ...syncDrift(app, req, target),
    ],
  };
  if (!req.dryRun) {
    app.live = { ...target, sha };
    if (rollsOut(req)) rolloutApplied(inst, app);
  }
  // Argo records history for full syncs only (a self-heal of a few resources adds none).
  if (!req.dryRun && !req.resources) {
    const history: any[] = app.obj.status.history ?? [];
    const nextId = history.reduce((m, h) => Math.max(m, h.id), -1) + 1;
    history.push({
      id: nextId,
      revision: sha,
      deployedAt: iso(now),
      deployStartedAt: iso(started),
      source,
      initiatedBy: req.initiatedBy,
    });
    app.obj.status.history = history;
    inst.trimHistory(app);
  }
  if (!req.dryRun && rollsOut(req)) {
    // The rollout takes a little longer than the apply: stay Progressing, then settle.
    inst.setHealth(app, {
      status: 'Progressing',
      message: 'Waiting for rollout to finish',
    });
    app.cancelHealth = inst.clock.after(inst.behaviour.healthDelayMs, () => {
      app.cancelHealth = undefined;
      if (inst.isRunning(app)) return;
      inst.setHealth(app, inst.baseHealth(app));
      inst.touch(app);
    });
  } else {
    inst.setHealth(app, inst.baseHealth(app));
  }
  inst.refresh(app);
  inst.touch(app);
}

export async function rollback(
  inst: ArgoInstance,
  app: SimApp,
  id: number,
  opts: { prune?: boolean; dryRun?: boolean; username: string },
) {
  const auto = app.obj.spec.syncPolicy?.automated;
  if (auto && auto.enabled !== false) {
    throw new ArgoError(
      400,
      GRPC.FailedPrecondition,
      'rollback cannot be initiated when auto-sync is enabled',
    );
  }
  const entry = (app.obj.status.history ?? []).find((h: any) => h.id === id);
  if (!entry) {
    throw new ArgoError(
      400,
      GRPC.InvalidArgument,
      `application ${app.name} does not have deployment with id ${id}`,
    );
  }
  await startSync(inst, app, {
    revision: entry.revision,
    prune: opts.prune,
    dryRun: opts.dryRun,
    source: entry.source,
    initiatedBy: { username: opts.username },
    action: `initiated rollback to ${id}`,
  });
}

export function terminate(inst: ArgoInstance, app: SimApp) {
  if (!inst.isRunning(app) || !app.cancelOp) {
    throw new ArgoError(
      400,
      GRPC.FailedPrecondition,
      'Unable to terminate operation. No operation is in progress',
    );
  }
  app.cancelOp();
  app.cancelOp = undefined;
  delete app.obj.operation;
  const st = app.obj.status.operationState;
  st.phase = 'Failed';
  st.message = 'Operation terminated';
  st.finishedAt = iso(inst.clock.now());
  app.lastOpFailed = true;
  inst.setHealth(app, inst.baseHealth(app));
  inst.refresh(app);
  inst.touch(app);
}
