import type {
  AuditorService,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { GitopsHealthResponse } from '@internal/backstage-plugin-gitops-common';
import express from 'express';
import Router from 'express-promise-router';
import type { ApplicationActions } from '../actions/ApplicationActions';
import type { RolloutActions } from '../actions/RolloutActions';
import type { PromotionService } from '../promotion';
import type { CostTrendView } from '../views/costTrend';
import type { EntityViews } from '../views/EntityViews';
import type { HistoryView } from '../views/history';
import type { EventsView } from '../views/events';
import type { DiffView } from '../views/diff/DiffView';
import type { DoraView } from '../views/dora/DoraView';
import type { EstateMembership } from '../entities/membership';
import type { EstateViews } from '../views/estate/EstateViews';
import type { ResourcesView } from '../views/resources';
import type { RolloutsView } from '../views/rollouts/RolloutsView';
import { applicationRoutes } from './applicationRoutes';
import { auditedActions } from './audited';
import { doraRoutes } from './doraRoutes';
import type { EntityResolver } from './entityContext';
import { entityRoutes } from './entityRoutes';
import { estateRoutes } from './estateRoutes';
import { promotionRoutes } from './promotionRoutes';
import { rolloutRoutes } from './rolloutRoutes';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  userInfo: UserInfoService;
  resolver: EntityResolver;
  views: EntityViews;
  history: HistoryView;
  /** DORA figures of a Component, Group or System, from the deployment record. */
  dora: DoraView;
  resources: ResourcesView;
  events: EventsView;
  diffs: DiffView;
  rollouts: RolloutsView;
  costTrend: CostTrendView;
  actions: ApplicationActions;
  rolloutActions: RolloutActions;
  /** Cost windows the routes accept, the default first. */
  costWindows: string[];
  /** Environments in promotion order (`gitops.environments`). */
  environments: string[];
  /** Undefined when promotion is off (no `gitops.repository`). */
  promotions?: PromotionService;
  /** The estates of groups and systems, and who their members are. */
  estates: EstateViews;
  membership: EstateMembership;
};

/**
 * The plugin's HTTP API (`/api/gitops`): health, entity reads, application and Rollout actions,
 * promotions.
 */
export function createRouter(options: RouterOptions): express.Router {
  const router = Router();
  router.use(express.json({ limit: '16kb' }));
  router.get('/health', (_req, res) => {
    const body: GitopsHealthResponse = { status: 'ok' };
    res.json(body);
  });
  const audited = auditedActions(options);
  entityRoutes(router, { ...options, resolve: options.resolver.fromRequest });
  applicationRoutes(router, {
    resolve: options.resolver.fromRequest,
    actions: options.actions,
    audited,
  });
  rolloutRoutes(router, {
    resolve: options.resolver.fromRequest,
    rolloutActions: options.rolloutActions,
    audited,
  });
  promotionRoutes(router, { ...options, audited });
  doraRoutes(router, options);
  estateRoutes(router, options);
  return router;
}
