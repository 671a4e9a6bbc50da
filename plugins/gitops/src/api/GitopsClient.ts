import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  ApplicationActionResponse,
  DoraFigures,
  EntityCostTrend,
  EntityEstate,
  EntityDiffs,
  EntityEvents,
  EntityHistory,
  EntityOverview,
  EntityResources,
  PromotionListResponse,
  PromotionPreview,
  PromotionPreviewRequest,
  PromotionRecord,
  PromotionRequest,
  EntityRollouts,
  RolloutActionResponse,
  VersionCost,
} from '@internal/backstage-plugin-gitops-common';
import { gitopsEntityPath } from '@internal/backstage-plugin-gitops-common';
import type {
  ApplicationAction,
  DoraDays,
  EstateCostCsv,
  GitopsApi,
  RolloutActionRequest,
} from './GitopsApi';

/** `attachment; filename="team-payments-cost-30d.csv"` → the file name. */
function attachmentFilename(disposition: string | null): string | undefined {
  return disposition?.match(/filename="?([^";]+)"?/)?.[1];
}

/**
 * The default {@link GitopsApi}: `discoveryApi` finds the backend, `fetchApi` adds the token.
 *
 * No cache of its own: read answers carry an `ETag` and `Cache-Control: private, no-cache`, so the
 * browser keeps them and revalidates each read (a 304 when nothing changed). Keep it that way: no
 * `cache: 'no-store'`, no cache-busting query strings.
 *
 * @public
 */
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
    return this.request(`${gitopsEntityPath(entity)}/overview${query}`);
  }

  getHistory(entity: CompoundEntityRef): Promise<EntityHistory> {
    return this.request(`${gitopsEntityPath(entity)}/history`);
  }

  getResources(entity: CompoundEntityRef): Promise<EntityResources> {
    return this.request(`${gitopsEntityPath(entity)}/resources`);
  }

  getCostTrend(
    entity: CompoundEntityRef,
    options: { window: string },
  ): Promise<EntityCostTrend> {
    return this.request(
      `${gitopsEntityPath(entity)}/cost-trend?window=${encodeURIComponent(
        options.window,
      )}`,
    );
  }

  getVersionCost(
    entity: CompoundEntityRef,
    options: { environment: string; version: string },
  ): Promise<VersionCost> {
    const query = new URLSearchParams(options);
    return this.request(`${gitopsEntityPath(entity)}/version-cost?${query}`);
  }

  getEvents(
    entity: CompoundEntityRef,
    options?: { application?: string },
  ): Promise<EntityEvents> {
    return this.perApplication(entity, 'events', options?.application);
  }

  getDiff(
    entity: CompoundEntityRef,
    options?: { application?: string },
  ): Promise<EntityDiffs> {
    return this.perApplication(entity, 'diff', options?.application);
  }

  /** A read about the entity's applications, or only the one named `instance/name`. */
  private perApplication<T>(
    entity: CompoundEntityRef,
    route: 'events' | 'diff',
    application?: string,
  ): Promise<T> {
    const query = application
      ? `?application=${encodeURIComponent(application)}`
      : '';
    return this.request(`${gitopsEntityPath(entity)}/${route}${query}`);
  }

  runApplicationAction(
    entity: CompoundEntityRef,
    application: { instance: string; name: string },
    action: ApplicationAction,
  ): Promise<ApplicationActionResponse> {
    const path = `${gitopsEntityPath(entity)}/applications/${encodeURIComponent(
      application.instance,
    )}/${encodeURIComponent(application.name)}/${action.type}`;
    const body =
      action.type === 'rollback'
        ? { id: action.id }
        : (action.type === 'sync' && action.options) || {};
    return this.post(path, body);
  }

  getRollouts(entity: CompoundEntityRef): Promise<EntityRollouts> {
    return this.request(`${gitopsEntityPath(entity)}/rollouts`);
  }

  runRolloutAction(
    entity: CompoundEntityRef,
    request: RolloutActionRequest,
  ): Promise<RolloutActionResponse> {
    const segments = [
      request.instance,
      request.application,
      'rollouts',
      request.namespace,
      request.rollout,
      request.action,
    ].map(encodeURIComponent);
    // The route takes no body: `{}`, as for a refresh.
    return this.post(
      `${gitopsEntityPath(entity)}/applications/${segments.join('/')}`,
      {},
    );
  }

  previewPromotion(
    entity: CompoundEntityRef,
    request: PromotionPreviewRequest,
  ): Promise<PromotionPreview> {
    return this.post(`${gitopsEntityPath(entity)}/promotions/preview`, request);
  }

  createPromotion(
    entity: CompoundEntityRef,
    request: PromotionRequest,
  ): Promise<PromotionRecord> {
    return this.post(`${gitopsEntityPath(entity)}/promotions`, request);
  }

  listPromotions(entity: CompoundEntityRef): Promise<PromotionListResponse> {
    return this.request(`${gitopsEntityPath(entity)}/promotions`);
  }

  approvePromotion(id: string): Promise<PromotionRecord> {
    return this.post(`/promotions/${encodeURIComponent(id)}/approve`, {});
  }

  getEstate(
    entity: CompoundEntityRef,
    options: { window: string },
  ): Promise<EntityEstate> {
    return this.request(
      `${gitopsEntityPath(entity)}/estate?window=${encodeURIComponent(
        options.window,
      )}`,
    );
  }

  getEstateCostTrend(
    entity: CompoundEntityRef,
    options: { window: string },
  ): Promise<EntityCostTrend> {
    return this.request(
      `${gitopsEntityPath(
        entity,
      )}/estate/cost-trend?window=${encodeURIComponent(options.window)}`,
    );
  }

  async getEstateCostCsv(
    entity: CompoundEntityRef,
    options: { window: string },
  ): Promise<EstateCostCsv> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops');
    // Through fetchApi, which adds the user's token: a plain link to the URL would not carry it.
    const response = await this.fetchApi.fetch(
      `${baseUrl}${gitopsEntityPath(
        entity,
      )}/estate/cost.csv?window=${encodeURIComponent(options.window)}`,
      { headers: { Accept: 'text/csv' } },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return {
      blob: await response.blob(),
      // Cross-origin (frontend and backend on two ports) the header is hidden unless CORS exposes
      // it: the fallback is the backend's own naming.
      filename:
        attachmentFilename(response.headers.get('content-disposition')) ??
        `${entity.name}-cost-${options.window}.csv`,
    };
  }

  getDora(
    entity: CompoundEntityRef,
    options: { days: DoraDays },
  ): Promise<DoraFigures> {
    return this.request(
      `${gitopsEntityPath(entity)}/dora?days=${options.days}`,
    );
  }

  private post<T>(path: string, body: object): Promise<T> {
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
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
