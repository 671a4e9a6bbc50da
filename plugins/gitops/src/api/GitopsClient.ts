import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  ApplicationActionResponse,
  EntityHistory,
  EntityOverview,
  EntityResources,
} from '@internal/backstage-plugin-gitops-common';
import type { ApplicationAction, GitopsApi } from './GitopsApi';

/** The default {@link GitopsApi}: `discoveryApi` finds the backend, `fetchApi` adds the token. @public */
export class GitopsClient implements GitopsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getOverview(
    entity: CompoundEntityRef,
    options?: { costWindow?: string },
  ): Promise<EntityOverview> {
    const query = options?.costWindow
      ? `?costWindow=${encodeURIComponent(options.costWindow)}`
      : '';
    return this.request(`${entityPath(entity)}/overview${query}`);
  }

  getHistory(entity: CompoundEntityRef): Promise<EntityHistory> {
    return this.request(`${entityPath(entity)}/history`);
  }

  getResources(entity: CompoundEntityRef): Promise<EntityResources> {
    return this.request(`${entityPath(entity)}/resources`);
  }

  runApplicationAction(
    entity: CompoundEntityRef,
    application: { instance: string; name: string },
    action: ApplicationAction,
  ): Promise<ApplicationActionResponse> {
    const path = `${entityPath(entity)}/applications/${encodeURIComponent(
      application.instance,
    )}/${encodeURIComponent(application.name)}/${action.type}`;
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(action.type === 'rollback' ? { id: action.id } : {}),
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function entityPath(entity: CompoundEntityRef): string {
  return `/entities/${[entity.kind, entity.namespace, entity.name]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .join('/')}`;
}
