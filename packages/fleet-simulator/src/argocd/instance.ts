import { EventEmitter } from 'node:events';
import { SimClock } from '../clock';
import { GitRepo } from '../git/repo';
import { SeedDeployment } from '../seed/seedRepo';
import { ArgoError, GRPC } from './errors';
import {
  SimApp,
  imageRef,
  iso,
  managedResources,
  sourceType,
  uid,
} from './app';
import { Desired, renderDesired } from './render';

export interface ArgoBehaviour {
  /** Simulated duration of a sync operation (Running → Succeeded/Failed). */
  syncDurationMs: number;
  /** Time the Deployment stays Progressing after a sync before Healthy/Degraded. */
  healthDelayMs: number;
  /** Delay between detecting OutOfSync and starting an automated sync. */
  autoSyncDelayMs: number;
  /** Max status.history entries (Argo's revisionHistoryLimit, default 10). */
  historyDepth: number;
  /** Tags (or full image refs) that deploy but end Degraded; tags ending `-bad` always do. */
  badImages: string[];
  /** Tags whose sync operation fails; tags ending `-fail` always do. */
  failImages: string[];
}

export interface SyncRequest {
  revision?: string;
  prune?: boolean;
  dryRun?: boolean;
  initiatedBy: { username?: string; automated?: boolean };
  source?: any;
}

export type WatchEvent = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  app: SimApp;
};

const clone = <T>(v: T): T =>
  v === undefined ? v : JSON.parse(JSON.stringify(v));

/** One simulated Argo CD instance: its applications and their sync state machine. */
export class ArgoInstance {
  readonly apps = new Map<string, SimApp>();
  readonly events = new EventEmitter();
  private rv = 1000;

  constructor(
    readonly name: string,
    private readonly clock: SimClock,
    private readonly repo: GitRepo,
    readonly behaviour: ArgoBehaviour,
  ) {
    this.events.setMaxListeners(0);
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Creates or updates an app from its git manifest (app-of-apps) or a filler definition. */
  upsert(
    manifest: any,
    headSha: string,
    desired: Desired,
    opts: {
      filler?: boolean;
      seed?: SeedDeployment[];
      children?: string[];
      comparisonError?: string;
    } = {},
  ) {
    const name: string = manifest.metadata.name;
    const labels = manifest.metadata.labels ?? {};
    const existing = this.apps.get(name);
    const now = this.clock.now();
    if (existing) {
      const before = this.signature(existing);
      existing.obj.metadata.labels = labels;
      existing.obj.spec = clone(manifest.spec);
      existing.headSha = headSha;
      existing.desired = desired;
      existing.children = opts.children;
      existing.comparisonError = opts.comparisonError;
      this.refresh(existing);
      if (this.signature(existing) !== before) this.touch(existing);
      else this.maybeAutoSync(existing);
      return;
    }
    const app: SimApp = {
      name,
      env: labels.environment ?? 'dev',
      service: labels.app ?? name,
      filler: !!opts.filler,
      headSha,
      desired,
      live: {},
      children: opts.children,
      comparisonError: opts.comparisonError,
      obj: {
        metadata: {
          name,
          namespace: manifest.metadata.namespace ?? 'argocd',
          uid: uid(this.name, name),
          resourceVersion: '',
          generation: 1,
          creationTimestamp: iso(
            opts.seed?.[0]?.deployedAt.getTime() ?? now.getTime(),
          ),
          labels,
          ...(manifest.metadata.annotations
            ? { annotations: manifest.metadata.annotations }
            : {}),
          ...(manifest.metadata.finalizers
            ? { finalizers: manifest.metadata.finalizers }
            : {}),
        },
        spec: clone(manifest.spec),
        status: {
          sync: { status: 'Unknown' },
          health: { status: 'Unknown' },
          history: [],
          sourceType: sourceType(manifest.spec?.source),
          controllerNamespace: 'argocd',
          summary: {},
        },
      },
    };
    const seed = opts.seed ?? [];
    if (!desired.tag) {
      // Apps without an image (the app-of-apps root) are live at HEAD from the start.
      app.live = { sha: headSha };
    }
    if (seed.length) {
      const last = seed[seed.length - 1];
      app.live = { ...desired, tag: last.tag, sha: last.sha };
      const source = clone(manifest.spec.source);
      app.obj.status.history = seed.map((d, i) => ({
        id: i,
        revision: d.sha,
        deployedAt: iso(d.deployedAt),
        deployStartedAt: iso(d.deployedAt.getTime() - 20_000),
        source,
        initiatedBy: d.initiatedBy,
      }));
      const op = {
        sync: {
          revision: last.sha,
          syncOptions: manifest.spec.syncPolicy?.syncOptions,
        },
        initiatedBy: last.initiatedBy,
        retry: {},
      };
      app.obj.status.operationState = {
        operation: op,
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt: iso(last.deployedAt.getTime() - 20_000),
        finishedAt: iso(last.deployedAt),
        syncResult: { revision: last.sha, source },
      };
    }
    this.trimHistory(app);
    this.refresh(app);
    this.apps.set(name, app);
    this.touch(app, 'ADDED');
  }

  remove(name: string) {
    const app = this.apps.get(name);
    if (!app) return;
    app.cancelOp?.();
    app.cancelAuto?.();
    app.cancelHealth?.();
    this.apps.delete(name);
    this.rv++;
    this.events.emit('event', { type: 'DELETED', app } as WatchEvent);
  }

  /** Recomputes sync status, health, images and resources from live vs desired. */
  refresh(app: SimApp) {
    const children = app.children;
    const st = app.obj.status;
    const synced =
      app.live.tag === app.desired.tag &&
      (app.live.tag !== undefined || app.live.sha !== undefined);
    st.sync = {
      status: synced ? 'Synced' : 'OutOfSync',
      comparedTo: {
        source: clone(app.obj.spec.source),
        destination: clone(app.obj.spec.destination),
      },
      revision: app.headSha,
    };
    if (app.comparisonError) {
      st.sync.status = 'Unknown';
      st.conditions = [
        {
          type: 'ComparisonError',
          message: app.comparisonError,
          lastTransitionTime: iso(this.clock.now()),
        },
      ];
    } else delete st.conditions;
    const running =
      st.operationState?.phase === 'Running' ||
      st.operationState?.phase === 'Terminating';
    if (!running && !app.cancelHealth)
      this.setHealth(app, this.baseHealth(app));
    st.reconciledAt = iso(this.clock.now());
    const image = imageRef(app.live, app.service);
    st.summary = {};
    if (image) st.summary.images = [image];
    else if (children) st.summary.isAppOfApps = true;
    if (children) {
      st.resources = children.map(c => ({
        group: 'argoproj.io',
        version: 'v1alpha1',
        kind: 'Application',
        namespace: 'argocd',
        name: c,
        status: 'Synced',
      }));
    } else {
      st.resources = managedResources(app, st.sync.status, st.health);
    }
    this.maybeAutoSync(app);
  }

  isBad(tag?: string, image?: string) {
    if (!tag) return false;
    const b = this.behaviour.badImages;
    return (
      tag.endsWith('-bad') ||
      b.includes(tag) ||
      (image !== undefined && b.includes(`${image}:${tag}`))
    );
  }

  private isFailing(tag?: string) {
    return (
      !!tag &&
      (tag.endsWith('-fail') || this.behaviour.failImages.includes(tag))
    );
  }

  private baseHealth(app: SimApp): { status: string; message?: string } {
    if (!app.live.tag && !app.live.sha) return { status: 'Missing' };
    if (this.isBad(app.live.tag, app.live.image)) {
      return {
        status: 'Degraded',
        message: `Deployment "${app.service}" exceeded its progress deadline`,
      };
    }
    return { status: 'Healthy' };
  }

  private setHealth(app: SimApp, h: { status: string; message?: string }) {
    const cur = app.obj.status.health;
    const lastTransitionTime =
      cur?.status === h.status && cur.lastTransitionTime
        ? cur.lastTransitionTime
        : iso(this.clock.now());
    app.obj.status.health = {
      status: h.status,
      ...(h.message ? { message: h.message } : {}),
      lastTransitionTime,
    };
    const dep = (app.obj.status.resources ?? []).find(
      (r: any) => r.kind === 'Deployment',
    );
    if (dep)
      dep.health = {
        status: h.status,
        ...(h.message ? { message: h.message } : {}),
      };
  }

  private signature(app: SimApp) {
    const s = app.obj.status;
    return JSON.stringify([
      app.obj.spec,
      app.obj.metadata.labels,
      s.sync.status,
      s.sync.revision,
      s.health.status,
      app.comparisonError,
    ]);
  }

  /** Marks a change: new resourceVersion, drops the JSON cache, notifies watchers. */
  touch(app: SimApp, type: 'ADDED' | 'MODIFIED' = 'MODIFIED') {
    this.rv++;
    app.obj.metadata.resourceVersion = String(this.rv);
    app.json = undefined;
    this.events.emit('event', { type, app } as WatchEvent);
  }

  /** The app's JSON bytes, cached until the next change. */
  jsonBytes(app: SimApp): Buffer {
    return (app.json ??= Buffer.from(JSON.stringify(app.obj)));
  }

  json(app: SimApp): string {
    return this.jsonBytes(app).toString();
  }

  private maybeAutoSync(app: SimApp) {
    const auto = app.obj.spec.syncPolicy?.automated;
    if (!auto || auto.enabled === false || app.cancelAuto) return;
    if (app.obj.status.sync.status !== 'OutOfSync' || this.isRunning(app))
      return;
    const key = `${app.headSha}:${app.desired.tag}`;
    if (key === app.lastAutoSync && (!auto.selfHeal || app.lastOpFailed))
      return;
    app.cancelAuto = this.clock.after(
      this.behaviour.autoSyncDelayMs,
      async () => {
        app.cancelAuto = undefined;
        if (
          !this.apps.has(app.name) ||
          this.isRunning(app) ||
          app.obj.status.sync.status !== 'OutOfSync'
        )
          return;
        app.lastAutoSync = `${app.headSha}:${app.desired.tag}`;
        await this.startSync(app, {
          initiatedBy: { automated: true },
          prune: !!auto.prune,
        });
      },
    );
  }

  isRunning(app: SimApp) {
    const p = app.obj.status.operationState?.phase;
    return p === 'Running' || p === 'Terminating';
  }

  async startSync(app: SimApp, req: SyncRequest): Promise<void> {
    if (this.isRunning(app)) {
      throw new ArgoError(
        400,
        GRPC.FailedPrecondition,
        'another operation is already in progress',
      );
    }
    let sha = app.headSha;
    let target: Desired = app.desired;
    const source = clone(req.source ?? app.obj.spec.source);
    if (!app.filler) {
      const rev = req.revision || app.obj.spec.source?.targetRevision || 'HEAD';
      const resolved = await this.repo.resolve(rev);
      if (!resolved) {
        throw new ArgoError(
          400,
          GRPC.Unknown,
          `rpc error: code = Unknown desc = unable to resolve '${rev}' to a commit SHA`,
        );
      }
      sha = resolved;
      target = await renderDesired(this.repo, sha, source);
    }
    app.cancelAuto?.();
    app.cancelAuto = undefined;
    app.cancelHealth?.();
    app.cancelHealth = undefined;
    const started = this.clock.nowMs();
    const operation = {
      sync: {
        revision: sha,
        ...(req.prune ? { prune: true } : {}),
        ...(req.dryRun ? { dryRun: true } : {}),
        ...(app.obj.spec.syncPolicy?.syncOptions
          ? { syncOptions: app.obj.spec.syncPolicy.syncOptions }
          : {}),
      },
      initiatedBy: req.initiatedBy,
      retry: {},
    };
    app.obj.operation = operation;
    app.obj.status.operationState = {
      operation,
      phase: 'Running',
      message: 'one or more tasks are running',
      startedAt: iso(started),
    };
    if (!req.dryRun) {
      this.setHealth(app, {
        status: 'Progressing',
        message: `Waiting for rollout to finish: 0 of ${
          target.replicas ?? 1
        } updated replicas are available...`,
      });
    }
    this.touch(app);
    app.cancelOp = this.clock.after(this.behaviour.syncDurationMs, () =>
      this.finishSync(app, sha, target, source, started, req),
    );
  }

  private finishSync(
    app: SimApp,
    sha: string,
    target: Desired,
    source: any,
    started: number,
    req: SyncRequest,
  ) {
    app.cancelOp = undefined;
    delete app.obj.operation;
    const st = app.obj.status.operationState;
    const now = this.clock.nowMs();
    const resources = (kindStatus: string) =>
      ['Service', 'Deployment'].map(kind => ({
        ...(kind === 'Deployment' ? { group: 'apps' } : {}),
        version: 'v1',
        kind,
        namespace: app.obj.spec.destination?.namespace,
        name: app.service,
        status: kindStatus,
        message:
          kindStatus === 'Synced'
            ? `${kind.toLowerCase()}/${app.service} configured`
            : 'the server rejected the image',
        hookPhase: kindStatus === 'Synced' ? 'Running' : 'Failed',
        syncPhase: 'Sync',
      }));
    st.finishedAt = iso(now);
    if (this.isFailing(target.tag)) {
      st.phase = 'Failed';
      st.message = `one or more objects failed to apply, reason: admission webhook denied image ${imageRef(
        target,
        app.service,
      )}`;
      st.syncResult = {
        revision: sha,
        source,
        resources: resources('SyncFailed'),
      };
      app.lastOpFailed = true;
      this.refresh(app);
      this.touch(app);
      return;
    }
    app.lastOpFailed = false;
    st.phase = 'Succeeded';
    st.message = req.dryRun
      ? 'successfully synced (dry run)'
      : 'successfully synced (all tasks run)';
    st.syncResult = { revision: sha, source, resources: resources('Synced') };
    if (!req.dryRun) {
      app.live = { ...target, sha };
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
      this.trimHistory(app);
      // The rollout takes a little longer than the apply: stay Progressing, then settle.
      this.setHealth(app, {
        status: 'Progressing',
        message: 'Waiting for rollout to finish',
      });
      app.cancelHealth = this.clock.after(this.behaviour.healthDelayMs, () => {
        app.cancelHealth = undefined;
        if (this.isRunning(app)) return;
        this.setHealth(app, this.baseHealth(app));
        this.touch(app);
      });
    } else {
      this.setHealth(app, this.baseHealth(app));
    }
    this.refresh(app);
    this.touch(app);
  }

  async rollback(
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
    await this.startSync(app, {
      revision: entry.revision,
      prune: opts.prune,
      dryRun: opts.dryRun,
      source: entry.source,
      initiatedBy: { username: opts.username },
    });
  }

  terminate(app: SimApp) {
    if (!this.isRunning(app) || !app.cancelOp) {
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
    st.finishedAt = iso(this.clock.now());
    app.lastOpFailed = true;
    this.setHealth(app, this.baseHealth(app));
    this.refresh(app);
    this.touch(app);
  }

  private trimHistory(app: SimApp) {
    const limit =
      app.obj.spec.revisionHistoryLimit ?? this.behaviour.historyDepth;
    const h: any[] = app.obj.status.history ?? [];
    if (h.length > limit) app.obj.status.history = h.slice(h.length - limit);
  }

  stop() {
    for (const app of this.apps.values()) {
      app.cancelOp?.();
      app.cancelAuto?.();
      app.cancelHealth?.();
    }
    this.events.removeAllListeners();
  }
}
