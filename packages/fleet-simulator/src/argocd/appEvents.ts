import type { SimClock } from '../clock';
import { SimApp, iso, uid } from './app';
import type { ArgoInstance, WatchEvent } from './instance';

/**
 * The Kubernetes Events Argo CD records about its applications, as
 * `GET /api/v1/applications/{name}/events` serves them (a core/v1 EventList).
 *
 * Who says what is Argo's (v3.5): the API server records the start of an operation a person
 * asked for ("admin initiated sync to <sha>", "... initiated rollback to 3"); the application
 * controller records what it saw change while reconciling ("Updated sync status: Synced ->
 * OutOfSync", "Updated health status: Progressing -> Healthy"), the syncs it starts itself
 * ("Initiated automated sync to '<sha>'") and the end of every operation ("Sync operation to
 * <sha> succeeded", or a Warning "... failed: <message>"). Events live for an hour, as
 * Kubernetes keeps them by default.
 */
export class AppEventLog {
  private readonly byApp = new Map<string, any[]>();
  private readonly seen = new Map<string, Snapshot>();
  private rv = 1;

  constructor(private readonly instance: ArgoInstance) {
    instance.events.on('event', (e: WatchEvent) => this.observe(e));
    instance.events.on(
      'operation',
      (e: { app: SimApp; username: string; action: string; reason?: string }) =>
        this.operationStarted(e.app, e.username, e.action, e.reason),
    );
    for (const app of instance.apps.values()) {
      this.seen.set(app.name, snapshot(app));
    }
  }

  /** What the API server records when a person starts an operation or runs a resource action. */
  private operationStarted(
    app: SimApp,
    username: string,
    action: string,
    reason = 'OperationStarted',
  ) {
    this.record(app, {
      type: 'Normal',
      reason,
      message: `${username || 'Unknown user'} ${action}`,
      component: 'argocd-server',
    });
  }

  /** The app's events, oldest first, as an EventList (`items: null` when empty, as the gateway). */
  list(app: SimApp) {
    this.expire(app.name);
    const items = this.byApp.get(app.name) ?? [];
    return {
      metadata: { resourceVersion: String(this.rv) },
      items: items.length ? items : null,
    };
  }

  private get clock(): SimClock {
    return this.instance.clock;
  }

  private observe({ type, app }: WatchEvent) {
    if (type === 'DELETED') {
      this.byApp.delete(app.name);
      this.seen.delete(app.name);
      return;
    }
    const before = this.seen.get(app.name);
    const now = snapshot(app);
    this.seen.set(app.name, now);
    // A new app starts with the state it was created in, as the controller's first compare.
    if (!before || type === 'ADDED') return;
    const op = app.obj.status.operationState;
    if (now.opStartedAt && now.opStartedAt !== before.opStartedAt) {
      if (op?.operation?.initiatedBy?.automated) {
        this.controller(
          app,
          'OperationStarted',
          `Initiated automated sync to '${op.operation.sync?.revision ?? ''}'`,
        );
      }
    }
    if (now.sync !== before.sync) {
      this.controller(
        app,
        'ResourceUpdated',
        `Updated sync status: ${before.sync} -> ${now.sync}`,
      );
    }
    if (now.health !== before.health) {
      this.controller(
        app,
        'ResourceUpdated',
        `Updated health status: ${before.health} -> ${now.health}`,
      );
    }
    const finished =
      now.opPhase !== before.opPhase &&
      (now.opPhase === 'Succeeded' ||
        now.opPhase === 'Failed' ||
        now.opPhase === 'Error');
    if (finished) {
      const revision = op?.syncResult?.revision;
      const to = revision ? ` to ${revision}` : '';
      const ok = now.opPhase === 'Succeeded';
      this.record(app, {
        type: ok ? 'Normal' : 'Warning',
        reason: 'OperationCompleted',
        message: ok
          ? `Sync operation${to} succeeded`
          : `Sync operation${to} failed: ${op?.message ?? ''}`,
        component: 'argocd-application-controller',
      });
    }
  }

  private controller(app: SimApp, reason: string, message: string) {
    this.record(app, {
      type: 'Normal',
      reason,
      message,
      component: 'argocd-application-controller',
    });
  }

  private record(
    app: SimApp,
    e: { type: string; reason: string; message: string; component: string },
  ) {
    const at = this.clock.nowMs();
    const meta = app.obj.metadata;
    const seq = this.rv++;
    // Argo names an event `<app>.<UnixNano in hex>`; the sequence keeps names unique.
    const name = `${meta.name}.${(BigInt(at) * 1_000_000n + BigInt(seq))
      .toString(16)
      .padStart(16, '0')}`;
    const timestamp = iso(at);
    const event = {
      metadata: {
        name,
        namespace: meta.namespace,
        uid: uid(this.instance.name, 'event', name),
        resourceVersion: String(seq),
        creationTimestamp: timestamp,
        annotations: {
          'dest-server': app.obj.spec.destination?.server ?? '',
          'dest-namespace': app.obj.spec.destination?.namespace ?? '',
        },
      },
      involvedObject: {
        kind: 'Application',
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        apiVersion: 'argoproj.io/v1alpha1',
        resourceVersion: meta.resourceVersion,
      },
      reason: e.reason,
      message: e.message,
      source: { component: e.component },
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      count: 1,
      type: e.type,
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    };
    const list = this.byApp.get(app.name) ?? [];
    list.push(event);
    this.byApp.set(app.name, list);
    this.expire(app.name);
  }

  /** Kubernetes' default event TTL is one hour; a busy app keeps its last 200 as well. */
  private expire(name: string) {
    const list = this.byApp.get(name);
    if (!list) return;
    const oldest = this.clock.nowMs() - 3600_000;
    const kept = list
      .filter(e => Date.parse(e.lastTimestamp) >= oldest)
      .slice(-200);
    this.byApp.set(name, kept);
  }
}

type Snapshot = {
  sync: string;
  health: string;
  opPhase?: string;
  opStartedAt?: string;
};

function snapshot(app: SimApp): Snapshot {
  const st = app.obj.status;
  return {
    sync: st.sync?.status ?? '',
    health: st.health?.status ?? '',
    opPhase: st.operationState?.phase,
    opStartedAt: st.operationState?.startedAt,
  };
}
