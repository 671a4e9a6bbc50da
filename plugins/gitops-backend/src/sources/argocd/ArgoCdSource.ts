import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SyncOptions } from '@internal/backstage-plugin-gitops-common';
import type {
  DeploymentApp,
  DeploymentAppRef,
  DeploymentResourceRef,
  DeploymentSink,
  DeploymentSource,
} from '@internal/backstage-plugin-gitops-node';
import { runInformer } from '../informer';
import type { ListGate } from '../listGate';
import type { ArgoCdClient } from './ArgoCdClient';
import { toDeploymentApp } from './mapping';
import { toAppEvent } from './events';
import { toManagedResource } from './managedResources';
import { mergeResources } from './resources';
import { parseLiveManifest } from './liveResource';

const ref = (app: DeploymentAppRef) => ({
  name: app.name,
  appNamespace: app.namespace,
});

/**
 * One Argo CD instance as a deployment source: an informer over its REST API (a projected list,
 * then the application stream from the list's resourceVersion, a re-list on the slow resync or
 * when the stream breaks), plus the calls a person's page or action needs.
 */
export class ArgoCdSource implements DeploymentSource {
  readonly provider = 'argocd';

  constructor(
    private readonly client: ArgoCdClient,
    private readonly options: {
      logger: LoggerService;
      resyncMs: number;
      retryMs?: { min: number; max: number };
      /** Shared by the instances of one backend: one list parsed at a time. */
      listGate?: ListGate;
    },
  ) {}

  get name() {
    return this.client.name;
  }

  get webUrl() {
    return this.client.webUrl;
  }

  get secrets() {
    return this.client.secrets;
  }

  private app(raw: Parameters<typeof toDeploymentApp>[1]): DeploymentApp {
    return toDeploymentApp(this.name, raw, { detailed: true });
  }

  run(sink: DeploymentSink, signal: AbortSignal): Promise<void> {
    return runInformer(
      {
        name: `argocd ${this.name}`,
        list: async (listSignal, takeTurn) => {
          // Each application goes to the store as it is parsed: the list is never held whole.
          const list = sink.beginList();
          const result = await this.client.listApplications(
            raw =>
              list.add(toDeploymentApp(this.name, raw, { detailed: false })),
            { signal: listSignal, beforeBody: takeTurn },
          );
          await list.finish();
          return result;
        },
        watch: (resourceVersion, watchSignal) =>
          this.client.watchApplications({
            resourceVersion,
            signal: watchSignal,
            // The informer ends the watch at the resync: quiet until then is fine.
            firstMessageTimeoutMs: this.options.resyncMs + 60_000,
            onEvent: event => {
              const app = this.app(event.application);
              if (event.type === 'DELETED') sink.remove(app);
              else sink.upsert(app);
            },
          }),
        setStatus: status => sink.setStatus(status),
        resyncMs: this.options.resyncMs,
        retryMs: this.options.retryMs,
        logger: this.options.logger,
        secrets: this.client.secrets,
        gate: this.options.listGate,
      },
      signal,
    );
  }

  async getApp(app: DeploymentAppRef, signal?: AbortSignal) {
    return this.app(await this.client.getApplication(ref(app), { signal }));
  }

  async getResources(app: DeploymentAppRef, signal?: AbortSignal) {
    const [full, tree] = await Promise.all([
      this.client.getApplication(ref(app), { signal }),
      this.client.getResourceTree(ref(app), { signal }),
    ]);
    return mergeResources(full.status?.resources ?? [], tree.nodes ?? []);
  }

  async getEvents(
    app: DeploymentAppRef,
    options: {
      resource?: { name: string; namespace?: string; uid?: string };
      signal?: AbortSignal;
    } = {},
  ) {
    const list = await this.client.getApplicationEvents(
      ref(app),
      options.resource,
      { signal: options.signal },
    );
    return (list.items ?? []).map(toAppEvent);
  }

  async getRevisionMetadata(
    app: DeploymentAppRef,
    revision: string,
    signal?: AbortSignal,
  ) {
    const meta = await this.client.getRevisionMetadata(ref(app), revision, {
      signal,
    });
    return {
      ...(meta.author ? { author: meta.author } : {}),
      ...(meta.message ? { message: meta.message } : {}),
      ...(meta.date ? { date: meta.date } : {}),
    };
  }

  async getManagedResources(app: DeploymentAppRef, signal?: AbortSignal) {
    const list = await this.client.getManagedResources(ref(app), { signal });
    return (list.items ?? []).map(toManagedResource);
  }

  async getLiveResource(
    app: DeploymentAppRef,
    resource: DeploymentResourceRef,
    signal?: AbortSignal,
  ) {
    const answer = await this.client.getResource(ref(app), resource, {
      signal,
    });
    return parseLiveManifest(answer.manifest, resource);
  }

  runResourceAction(
    app: DeploymentAppRef,
    resource: DeploymentResourceRef,
    action: string,
  ) {
    return this.client.runResourceAction(ref(app), resource, action);
  }

  async sync(app: DeploymentAppRef, options?: SyncOptions) {
    return this.app(await this.client.sync(ref(app), options));
  }

  async refresh(app: DeploymentAppRef) {
    return this.app(
      await this.client.getApplication(ref(app), { refresh: 'normal' }),
    );
  }

  async rollback(app: DeploymentAppRef, id: number) {
    return this.app(await this.client.rollback(ref(app), id));
  }
}
