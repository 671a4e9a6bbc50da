import type { Router } from 'express';
import {
  gitopsApplicationPrunePermission,
  gitopsApplicationRefreshPermission,
  gitopsApplicationRollbackPermission,
  gitopsApplicationSyncPermission,
} from '@internal/backstage-plugin-gitops-common';
import type {
  ApplicationAction,
  ApplicationActions,
} from '../actions/ApplicationActions';
import type { auditedActions } from './audited';
import type { EntityResolver } from './entityContext';
import { ENTITY_BASE } from './entityRoutes';
import { appParams, emptyBody, parse, rollbackBody, syncBody } from './parse';

/** What each action takes: a sync its options, a rollback the history id, a refresh nothing. */
const BODIES = {
  sync: syncBody,
  refresh: emptyBody,
  rollback: rollbackBody,
} as const;

const PERMISSIONS = {
  sync: gitopsApplicationSyncPermission,
  refresh: gitopsApplicationRefreshPermission,
  rollback: gitopsApplicationRollbackPermission,
} as const;

/**
 * Sync (with `prune` / `dryRun` when asked), refresh and rollback of one of an entity's
 * applications: permission-checked (a prune also by `gitops.application.prune`), audited.
 */
export function applicationRoutes(
  router: Router,
  deps: {
    resolve: EntityResolver['fromRequest'];
    actions: ApplicationActions;
    audited: ReturnType<typeof auditedActions>;
  },
) {
  router.post(
    `${ENTITY_BASE}/applications/:instance/:app/:action`,
    async (req, res) => {
      const params = parse(appParams, req.params, 'path');
      const action = params.action as ApplicationAction;
      const body: { id?: number; prune?: boolean; dryRun?: boolean } = parse(
        BODIES[action],
        req.body ?? {},
        'body',
      );
      const { entity, credentials, ref } = await deps.resolve(req);
      const result = await deps.audited({
        req,
        eventId: 'application-action',
        meta: {
          action,
          entityRef: ref,
          instance: params.instance,
          application: params.app,
          ...(body.id !== undefined ? { historyId: body.id } : {}),
          ...(body.prune ? { prune: true } : {}),
          ...(body.dryRun ? { dryRun: true } : {}),
        },
        permission: PERMISSIONS[action],
        alsoRequires: body.prune
          ? [
              {
                permission: gitopsApplicationPrunePermission,
                what: 'prune applications',
              },
            ]
          : undefined,
        resourceRef: ref,
        credentials,
        what: `${action} applications`,
        run: () =>
          deps.actions.run(entity, params.instance, params.app, action, {
            id: body.id,
            sync: action === 'sync' ? body : undefined,
          }),
        successMeta: r => ({ phase: r.application.operation?.phase ?? null }),
      });
      res.json(result);
    },
  );
}
