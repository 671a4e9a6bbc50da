import type { Router } from 'express';
import {
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
import { appParams, emptyBody, parse, rollbackBody } from './parse';

const PERMISSIONS = {
  sync: gitopsApplicationSyncPermission,
  refresh: gitopsApplicationRefreshPermission,
  rollback: gitopsApplicationRollbackPermission,
} as const;

/** Sync, refresh and rollback of one of an entity's applications: permission-checked, audited. */
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
      if (action !== 'rollback') parse(emptyBody, req.body ?? {}, 'body');
      const body =
        action === 'rollback'
          ? parse(rollbackBody, req.body ?? {}, 'body')
          : undefined;
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
        },
        permission: PERMISSIONS[action],
        resourceRef: ref,
        credentials,
        what: `${action} applications`,
        run: () =>
          deps.actions.run(entity, params.instance, params.app, action, {
            id: body?.id,
          }),
        successMeta: r => ({ phase: r.application.operation?.phase ?? null }),
      });
      res.json(result);
    },
  );
}
