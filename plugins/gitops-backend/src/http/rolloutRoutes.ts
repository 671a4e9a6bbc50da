import type { Router } from 'express';
import { z } from 'zod';
import {
  gitopsRolloutAbortPermission,
  gitopsRolloutPromotePermission,
} from '@internal/backstage-plugin-gitops-common';
import type { RolloutActions } from '../actions/RolloutActions';
import type { auditedActions } from './audited';
import type { EntityResolver } from './entityContext';
import { ENTITY_BASE } from './entityRoutes';
import { appParams, emptyBody, parse } from './parse';

const PERMISSIONS = {
  promote: gitopsRolloutPromotePermission,
  abort: gitopsRolloutAbortPermission,
} as const;

// The Rollout's namespace has its own name: `:namespace` is the entity's.
const rolloutParams = appParams.omit({ action: true }).extend({
  rolloutNamespace: appParams.shape.instance,
  rollout: appParams.shape.instance,
  action: z.enum(['promote', 'abort']),
});

/**
 * Promote (Argo CD's `resume`) or abort a Rollout of one of an entity's applications: empty
 * body, checked by `gitops.rollout.promote` / `gitops.rollout.abort`, audited with the Rollout.
 */
export function rolloutRoutes(
  router: Router,
  deps: {
    resolve: EntityResolver['fromRequest'];
    rolloutActions: RolloutActions;
    audited: ReturnType<typeof auditedActions>;
  },
) {
  router.post(
    `${ENTITY_BASE}/applications/:instance/:app/rollouts/:rolloutNamespace/:rollout/:action`,
    async (req, res) => {
      const params = parse(rolloutParams, req.params, 'path');
      parse(emptyBody, req.body ?? {}, 'body');
      const { entity, credentials, ref } = await deps.resolve(req);
      const rollout = `${params.rolloutNamespace}/${params.rollout}`;
      const result = await deps.audited({
        req,
        eventId: 'rollout-action',
        meta: {
          action: params.action,
          entityRef: ref,
          instance: params.instance,
          application: params.app,
          rollout,
        },
        permission: PERMISSIONS[params.action],
        resourceRef: ref,
        credentials,
        what: `${params.action} rollouts`,
        run: () =>
          deps.rolloutActions.run(
            entity,
            {
              instance: params.instance,
              application: params.app,
              namespace: params.rolloutNamespace,
              rollout: params.rollout,
            },
            params.action,
          ),
        successMeta: r => ({
          currentStepIndex: r.rollout.currentStepIndex ?? null,
          paused: r.rollout.paused,
          aborted: r.rollout.aborted,
        }),
      });
      res.json(result);
    },
  );
}
