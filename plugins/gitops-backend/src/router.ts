import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gitopsApplicationRefreshPermission,
  gitopsApplicationRollbackPermission,
  gitopsApplicationSyncPermission,
  type GitopsHealthResponse,
} from '@internal/backstage-plugin-gitops-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type {
  ApplicationAction,
  ApplicationActions,
} from './actions/ApplicationActions';
import type { EntityOverviewService } from './overview/EntityOverviewService';

export type RouterOptions = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  logger: LoggerService;
  overview: EntityOverviewService;
  actions: ApplicationActions;
  /** Windows the overview accepts as `costWindow`. */
  costWindows: string[];
};

const segment = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'invalid characters');

const entityParams = z.object({
  kind: segment,
  namespace: segment,
  name: segment,
});

const appParams = entityParams.extend({
  instance: segment,
  app: segment,
  action: z.enum(['sync', 'refresh', 'rollback']),
});

const rollbackBody = z.object({
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/** Parses input; an InputError names the first bad field. */
function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  where: string,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = [where, ...(issue?.path ?? [])].join('.');
    throw new InputError(`Invalid ${field}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

const PERMISSIONS = {
  sync: gitopsApplicationSyncPermission,
  refresh: gitopsApplicationRefreshPermission,
  rollback: gitopsApplicationRollbackPermission,
} as const;

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, auditor, catalog, overview, actions } =
    options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/health', (_req, res) => {
    const body: GitopsHealthResponse = { status: 'ok' };
    res.json(body);
  });

  const loadEntity = async (req: express.Request) => {
    const params = parse(entityParams, req.params, 'path');
    const credentials = await httpAuth.credentials(req);
    const ref = stringifyEntityRef(params);
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`Entity ${ref} not found`);
    return { entity, credentials, ref: stringifyEntityRef(entity) };
  };

  const base = '/entities/:kind/:namespace/:name';

  const costWindows = new Set(options.costWindows);
  const overviewQuery = z.object({
    costWindow: z
      .string()
      .refine(w => costWindows.has(w), {
        message: `must be one of ${[...costWindows].join(', ')}`,
      })
      .optional(),
  });

  router.get(`${base}/overview`, async (req, res) => {
    const query = parse(overviewQuery, req.query, 'query');
    const { entity } = await loadEntity(req);
    res.json(await overview.overview(entity, { costWindow: query.costWindow }));
  });

  router.get(`${base}/history`, async (req, res) => {
    const { entity } = await loadEntity(req);
    res.json(await overview.history(entity));
  });

  router.get(`${base}/resources`, async (req, res) => {
    const { entity } = await loadEntity(req);
    res.json(await overview.resources(entity));
  });

  router.post(
    `${base}/applications/:instance/:app/:action`,
    async (req, res) => {
      const params = parse(appParams, req.params, 'path');
      const action = params.action as ApplicationAction;
      const body =
        action === 'rollback'
          ? parse(rollbackBody, req.body ?? {}, 'body')
          : undefined;
      const { entity, credentials, ref } = await loadEntity(req);
      const [decision] = await permissions.authorize(
        [{ permission: PERMISSIONS[action], resourceRef: ref }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `Not allowed to ${action} applications of ${ref}`,
        );
      }
      const event = await auditor.createEvent({
        eventId: 'application-action',
        severityLevel: 'medium',
        request: req,
        meta: {
          action,
          entityRef: ref,
          instance: params.instance,
          application: params.app,
          ...(body ? { historyId: body.id } : {}),
        },
      });
      try {
        const result = await actions.run(
          entity,
          params.instance,
          params.app,
          action,
          { id: body?.id },
        );
        await event.success({
          meta: {
            phase: result.application.operation?.phase ?? null,
          },
        });
        res.json(result);
      } catch (error) {
        await event.fail({ error: error as Error });
        throw error;
      }
    },
  );

  return router;
}
