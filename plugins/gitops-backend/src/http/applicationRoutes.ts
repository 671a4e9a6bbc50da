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
      if (action === 'refresh') parse(emptyBody, req.body ?? {}, 'body');
      const body =
        action === 'rollback'
          ? parse(rollbackBody, req.body ?? {}, 'body')
          : undefined;
      const sync =
        action === 'sync' ? parse(syncBody, req.body ?? {}, 'body') : undefined;
      const { entity, credentials, ref } = await deps.resolve(req);
      const result = await deps.audited({
        req,
        eventId: 'application-action',
        meta: {
          action,
          entityRef: ref,
          instance: params.instance,
          application: params.app,
          ...(body ? { historyId: body.id } : {}),
          ...(sync?.prune ? { prune: true } : {}),
          ...(sync?.dryRun ? { dryRun: true } : {}),
        },
        permission: PERMISSIONS[action],
        alsoRequires: sync?.prune
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
            id: body?.id,
            sync,
          }),
        successMeta: r => ({ phase: r.application.operation?.phase ?? null }),
      });
      res.json(result);
    },
  );
}
