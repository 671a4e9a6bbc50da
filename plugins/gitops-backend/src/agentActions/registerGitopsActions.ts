import { auditedActions } from '../http/audited';
import { promotionWrites } from '../http/promotionRoutes';
import { registerCreatePromotion } from './createPromotion';
import { registerExplain } from './explain';
import { registerGetHistory } from './getHistory';
import { registerGetOverview } from './getOverview';
import { registerPreviewPromotion } from './previewPromotion';
import type { GitopsActionsOptions } from './shared';
import { registerSyncApplication } from './syncApplication';

export type { GitopsActionsOptions } from './shared';

/**
 * The plugin's operations in Backstage's actions registry (`gitops:get-overview`, …), for agents
 * (the MCP actions backend serves them as tools). Each runs on behalf of its caller: the entity
 * through the routes' resolver (one they can't see is not found), writes through the routes'
 * permission checks and audit.
 */
export function registerGitopsActions(options: GitopsActionsOptions) {
  const audited = auditedActions(options);
  const deps = {
    ...options,
    audited,
    writes: promotionWrites({ userInfo: options.userInfo, audited }),
  };
  registerGetOverview(deps);
  registerGetHistory(deps);
  registerExplain(deps);
  registerPreviewPromotion(deps);
  registerCreatePromotion(deps);
  registerSyncApplication(deps);
}
