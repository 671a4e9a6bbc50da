import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ArgoCdApi, ArgoWatchEvent } from '../argocd/ArgoCdClient';
import type { ArgoInstanceData } from '../argocd/types';
import type { VeleroClient } from '../velero/types';
import { describeError } from '../util/errors';
import type { SnapshotStore } from './SnapshotStore';

/**
 * Follows Argo CD's application stream per instance and applies the events to the snapshot
 * (batched), so changes reach the page before the next scheduled refresh.
 */
export class LiveWatcher {
  private readonly controller = new AbortController();
  private readonly pending = new Map<string, ArgoWatchEvent[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly deps: {
      argo: ArgoCdApi[];
      /** Velero clusters whose objects are watched; a change triggers a re-list. */
      velero?: VeleroClient[];
      store: SnapshotStore;
      logger: LoggerService;
      batchMs?: number;
      retryMs?: number;
    },
  ) {}

  start() {
    for (const argo of this.deps.argo) {
      void this.loop(`argocd ${argo.name}`, signal =>
        argo.watchApplications(event => this.enqueue(argo.name, event), signal),
      );
    }
    for (const velero of this.deps.velero ?? []) {
      const watch = velero.watch?.bind(velero);
      if (!watch) continue;
      void this.loop(`velero ${velero.cluster}`, signal =>
        watch(() => this.relist(velero.cluster), signal),
      );
    }
  }

  /** Velero objects are few: on any change, re-list the cluster (debounced). */
  private relist(cluster: string) {
    const key = `velero:${cluster}`;
    if (this.timers.has(key)) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (this.controller.signal.aborted) return;
        void this.deps.store.refresh('velero', cluster);
      }, this.deps.batchMs ?? 250),
    );
  }

  stop() {
    this.controller.abort();
    for (const timer of this.timers.values()) clearTimeout(timer);
  }

  private async loop(
    what: string,
    follow: (signal: AbortSignal) => Promise<void>,
  ) {
    const signal = this.controller.signal;
    let delay = this.deps.retryMs ?? 5000;
    while (!signal.aborted) {
      try {
        await follow(signal);
        delay = this.deps.retryMs ?? 5000;
      } catch (error) {
        if (signal.aborted) return;
        this.deps.logger.debug(
          `gitops: watch of ${what} ended: ${describeError(error)}`,
        );
        delay = Math.min(delay * 2, 120_000);
      }
      await this.sleep(delay, signal);
    }
  }

  private sleep(ms: number, signal: AbortSignal) {
    return new Promise<void>(resolve => {
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
  }

  private enqueue(instance: string, event: ArgoWatchEvent) {
    const list = this.pending.get(instance) ?? [];
    list.push(event);
    this.pending.set(instance, list);
    if (this.timers.has(instance)) return;
    this.timers.set(
      instance,
      setTimeout(() => {
        this.timers.delete(instance);
        void this.flush(instance);
      }, this.deps.batchMs ?? 250),
    );
  }

  async flush(instance: string) {
    const events = this.pending.get(instance) ?? [];
    this.pending.delete(instance);
    if (!events.length) return;
    await this.deps.store.update<ArgoInstanceData>('argocd', instance, data => {
      const apps = new Map(data.applications.map(a => [a.name, a]));
      for (const event of events) {
        if (event.type === 'DELETED') apps.delete(event.application.name);
        else apps.set(event.application.name, event.application);
      }
      return { ...data, applications: [...apps.values()] };
    });
  }
}
