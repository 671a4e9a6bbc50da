import { EventEmitter } from 'node:events';
import { SimClock } from '../clock';
import { GitRepo } from '../git/repo';
import { SeedDeployment } from '../seed/seedRepo';
import {
  SimApp,
  imageRef,
  splitImage,
  iso,
  managedResources,
  sourceType,
  uid,
} from './app';
import { Desired } from './render';
import { rollback, startSync, terminate } from './operations';
import { SelfHealBehaviour, maybeAutoSync } from './autoSync';
import { applyDriftStatus, liveImage } from './drift';
import { initRollout } from './rollouts/lifecycle';
import { rolloutHealth, rolloutStatus } from './rollouts/status';

export interface ArgoBehaviour extends SelfHealBehaviour {
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
  /**
   * Periodic reconciliation (the controller's `timeout.reconciliation`, 120 s in v3.5.1):
   * every app is refreshed once per interval plus a seeded jitter; 0 turns it off.
   */
  reconcileIntervalMs: number;
  /** Upper bound of that jitter (`timeout.reconciliation.jitter`, 60 s). */
  reconcileJitterMs: number;
  /** Keepalive interval of SSE streams, on the real clock (the gateway's 15 s). */
  streamKeepaliveMs: number;
}

export interface SyncRequest {
  revision?: string;
  prune?: boolean;
  dryRun?: boolean;
  initiatedBy: { username?: string; automated?: boolean };
  source?: any;
  /** The API server's words for a start a person asked for, when not a sync (a rollback). */
  action?: string;
  /** A selective sync of these resources only (as a self-heal runs); hooks don't run. */
  resources?: Array<{ group?: string; kind: string; name: string }>;
  /** A self-heal's attempt number (`operation.sync.autoHealAttemptsCount`). */
  selfHealAttempts?: number;
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
    readonly clock: SimClock,
    readonly repo: GitRepo,
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
      initRollout(this, app, seed);
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
    app.rollout?.cancel?.();
    this.apps.delete(name);
    this.rv++;
    // As the API server does, the deleted object carries the deletion's resourceVersion.
    app.obj.metadata.resourceVersion = String(this.rv);
    app.json = undefined;
    app.projections = undefined;
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
    const image = liveImage(app) ?? imageRef(app.live, app.service);
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
      applyDriftStatus(this, app);
    }
    this.maybeAutoSync(app);
  }

  /** A periodic reconciliation: status recomputed, `reconciledAt` stamped, a new resourceVersion. */
  reconcile(app: SimApp) {
    this.refresh(app);
    this.touch(app);
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

  isFailing(tag?: string) {
    return (
      !!tag &&
      (tag.endsWith('-fail') || this.behaviour.failImages.includes(tag))
    );
  }

  baseHealth(app: SimApp): { status: string; message?: string } {
    if (!app.live.tag && !app.live.sha) return { status: 'Missing' };
    // A Rollout's health is Argo CD's health.lua of what its controller reports.
    if (app.rollout)
      return rolloutHealth(
        rolloutStatus(app, app.rollout),
        app.rollout.generation,
      );
    const drifted = splitImage(liveImage(app));
    if (
      drifted
        ? this.isBad(drifted.tag, drifted.image)
        : this.isBad(app.live.tag, app.live.image)
    ) {
      return {
        status: 'Degraded',
        message: `Deployment "${app.service}" exceeded its progress deadline`,
      };
    }
    return { status: 'Healthy' };
  }

  setHealth(app: SimApp, h: { status: string; message?: string }) {
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
      (r: any) => r.kind === 'Deployment' || r.kind === 'Rollout',
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
    app.projections = undefined;
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
    maybeAutoSync(this, app);
  }

  isRunning(app: SimApp) {
    const p = app.obj.status.operationState?.phase;
    return p === 'Running' || p === 'Terminating';
  }

  startSync(app: SimApp, req: SyncRequest): Promise<void> {
    return startSync(this, app, req);
  }

  rollback(
    app: SimApp,
    id: number,
    opts: { prune?: boolean; dryRun?: boolean; username: string },
  ) {
    return rollback(this, app, id, opts);
  }

  terminate(app: SimApp) {
    terminate(this, app);
  }

  trimHistory(app: SimApp) {
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
