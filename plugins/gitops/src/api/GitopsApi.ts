import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
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
  RolloutActionName,
  RolloutActionResponse,
  SyncOptions,
  VersionCost,
} from '@internal/backstage-plugin-gitops-common';

/** An Argo CD action a person can trigger from the portal. @public */
export type ApplicationAction =
  | { type: 'sync'; options?: SyncOptions }
  | { type: 'refresh' }
  | { type: 'rollback'; id: number };

/** Which Rollout of which application a rollout action is for, and the action. @public */
export type RolloutActionRequest = {
  instance: string;
  application: string;
  namespace: string;
  rollout: string;
  action: RolloutActionName;
};

/** Client of the gitops-backend API. @public */
export interface GitopsApi {
  getOverview(
    entity: CompoundEntityRef,
    options?: { costWindow?: string },
  ): Promise<EntityOverview>;
  getHistory(entity: CompoundEntityRef): Promise<EntityHistory>;
  getResources(entity: CompoundEntityRef): Promise<EntityResources>;
  /**
   * The daily cost of each environment of the entity over `window` (e.g. `7d`): asked only by
   * the cost card, for this entity, so the overview stays small.
   */
  getCostTrend(
    entity: CompoundEntityRef,
    options: { window: string },
  ): Promise<EntityCostTrend>;
  /** The events of the entity's applications (or of one, `instance/name`), newest first. */
  getEvents(
    entity: CompoundEntityRef,
    options?: { application?: string },
  ): Promise<EntityEvents>;
  /**
   * How the live resources of the entity's applications (or of one, `instance/name`) differ from
   * git: what a sync would change.
   */
  getDiff(
    entity: CompoundEntityRef,
    options?: { application?: string },
  ): Promise<EntityDiffs>;
  runApplicationAction(
    entity: CompoundEntityRef,
    application: { instance: string; name: string },
    action: ApplicationAction,
  ): Promise<ApplicationActionResponse>;
  /** The Argo Rollouts of the entity's applications (only applications that have any). */
  getRollouts(entity: CompoundEntityRef): Promise<EntityRollouts>;
  /** Promote or abort a Rollout through Argo CD's resource actions; answers the Rollout after it. */
  runRolloutAction(
    entity: CompoundEntityRef,
    request: RolloutActionRequest,
  ): Promise<RolloutActionResponse>;
  /**
   * What `environment` costs per day at `version` against the version it ran before (the
   * Promote dialog's "+12 % per day in staging since 1.4.0").
   */
  getVersionCost(
    entity: CompoundEntityRef,
    options: { environment: string; version: string },
  ): Promise<VersionCost>;
  /** The exact git change and the gates of a promotion, without making it. */
  previewPromotion(
    entity: CompoundEntityRef,
    request: PromotionPreviewRequest,
  ): Promise<PromotionPreview>;
  createPromotion(
    entity: CompoundEntityRef,
    request: PromotionRequest,
  ): Promise<PromotionRecord>;
  /** `configured: false` (with no items) when the portal has no gitops repository. */
  listPromotions(entity: CompoundEntityRef): Promise<PromotionListResponse>;
  approvePromotion(id: string): Promise<PromotionRecord>;
  /**
   * The estate of a Group or a System: its services × environments, approvals, cost over
   * `window` (e.g. `30d`) and backups, in one answer shared by the estate cards of the page.
   */
  getEstate(
    entity: CompoundEntityRef,
    options: { window: string },
  ): Promise<EntityEstate>;
  /** The daily cost of the estate per environment, summed over its services (on demand). */
  getEstateCostTrend(
    entity: CompoundEntityRef,
    options: { window: string },
  ): Promise<EntityCostTrend>;
  /** The chargeback export (`.../estate/cost.csv`), read with the user's token. */
  getEstateCostCsv(
    entity: CompoundEntityRef,
    options: { window: string },
  ): Promise<EstateCostCsv>;
  /** DORA figures of a service, a team (Group) or a System over 30 or 90 days. */
  getDora(
    entity: CompoundEntityRef,
    options: { days: DoraDays },
  ): Promise<DoraFigures>;
}

/** The windows DORA figures are computed over. @public */
export type DoraDays = 30 | 90;

/** The chargeback CSV and the file name the backend suggests. @public */
export type EstateCostCsv = { blob: Blob; filename: string };

/** @public */
export const gitopsApiRef = createApiRef<GitopsApi>({ id: 'plugin.gitops' });
