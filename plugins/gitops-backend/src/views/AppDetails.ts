import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { appKey, type AppKey } from '../store/AppStore';
import type { GitopsStore } from '../store/GitopsStore';
import { describeError } from '../util/errors';

/**
 * Fetches the history of applications the pages show but the store only has a summary of (a
 * projected list carries none): one `getApp` per application, a few at a time per source, once
 * (the stream keeps it current afterwards); a failure is retried after `retryMs`.
 */
export class AppDetails {
  private readonly queued = new Map<AppKey, DeploymentApp>();
  private readonly failedAt = new Map<AppKey, number>();
  private readonly running = new Map<string, number>();
  private readonly waiters = new Map<AppKey, Array<() => void>>();

  constructor(
    private readonly deps: {
      store: GitopsStore;
      logger: LoggerService;
      now: () => number;
      concurrency?: number;
      retryMs?: number;
    },
  ) {}

  /** Asks for the history of these applications (those that lack it). */
  want(apps: DeploymentApp[]) {
    const now = this.deps.now();
    for (const app of apps) {
      const key = appKey(app);
      if (app.history !== undefined || this.queued.has(key)) continue;
      const failed = this.failedAt.get(key);
      if (
        failed !== undefined &&
        now - failed < (this.deps.retryMs ?? 60_000)
      ) {
        continue;
      }
      if (!this.deps.store.deployments.get(app.instance)?.getApp) continue;
      this.queued.set(key, app);
    }
    this.pump();
  }

  /** Resolves when these applications have their history (or asking failed), within `timeoutMs`. */
  async ensure(apps: DeploymentApp[], timeoutMs = 5000): Promise<void> {
    const pending = apps.filter(a => a.history === undefined).map(appKey);
    if (pending.length === 0) return;
    this.want(apps);
    await Promise.race([
      Promise.all(
        pending
          .filter(k => this.queued.has(k) || this.isRunning(k))
          .map(
            k =>
              new Promise<void>(resolve =>
                this.waiters.set(k, [...(this.waiters.get(k) ?? []), resolve]),
              ),
          ),
      ),
      new Promise<void>(resolve => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }

  private readonly inFlight = new Set<AppKey>();

  private isRunning(key: AppKey) {
    return this.inFlight.has(key);
  }

  private pump() {
    const limit = this.deps.concurrency ?? 4;
    for (const [key, app] of this.queued) {
      const busy = this.running.get(app.instance) ?? 0;
      if (busy >= limit) continue;
      this.queued.delete(key);
      this.running.set(app.instance, busy + 1);
      this.inFlight.add(key);
      void this.fetch(key, app).finally(() => {
        this.inFlight.delete(key);
        this.running.set(
          app.instance,
          (this.running.get(app.instance) ?? 1) - 1,
        );
        for (const resolve of this.waiters.get(key) ?? []) resolve();
        this.waiters.delete(key);
        this.pump();
      });
    }
  }

  private async fetch(key: AppKey, app: DeploymentApp) {
    const source = this.deps.store.deployments.get(app.instance);
    try {
      const full = await source!.getApp!({
        name: app.name,
        namespace: app.namespace,
      });
      this.failedAt.delete(key);
      this.deps.store.apps.upsert(full);
    } catch (error) {
      this.failedAt.set(key, this.deps.now());
      this.deps.logger.debug(
        `gitops: reading ${key} failed: ${describeError(
          error,
          source?.secrets,
        )}`,
      );
    }
  }
}
