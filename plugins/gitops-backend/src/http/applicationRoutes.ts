import type express from 'express';
import type { Router } from 'express';
import type { ApplicationActionResponse } from '@internal/backstage-plugin-gitops-common';
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
import type { EntityContext, EntityResolver } from './entityContext';
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
 * One of an entity's applications synced, refreshed or rolled back for the caller of `context`:
 * the permission of the action (and `gitops.application.prune` for a pruning sync) checked
 * with the caller's credentials, audited (`application-action`). What the route and the
 * `sync-application` action both run.
 */
export function applicationAction(
  deps: {
    actions: ApplicationActions;
    audited: ReturnType<typeof auditedActions>;
  },
  request: {
    /** The HTTP request; none for an action of the actions registry. */
    req?: express.Request;
    context: EntityContext;
    instance: string;
    application: string;
    action: ApplicationAction;
    /** A rollback's history `id`; a sync's `prune` / `dryRun` (only the keys asked for). */
    options: { id?: number; prune?: boolean; dryRun?: boolean };
  },
): Promise<ApplicationActionResponse> {
  const { context, instance, application, action, options: body } = request;
  const { entity, credentials, ref } = context;
  return deps.audited({
    req: request.req,
    eventId: 'application-action',
    meta: {
      action,
      entityRef: ref,
      instance,
      application,
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
      deps.actions.run(entity, instance, application, action, {
        id: body.id,
        sync: action === 'sync' ? body : undefined,
      }),
    successMeta: r => ({ phase: r.application.operation?.phase ?? null }),
  });
}

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
      const context = await deps.resolve(req);
      const result = await applicationAction(deps, {
        req,
        context,
        instance: params.instance,
        application: params.app,
        action,
        options: body,
      });
      res.json(result);
    },
  );
}
