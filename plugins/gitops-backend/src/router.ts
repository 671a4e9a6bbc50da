import type {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gitopsApplicationRefreshPermission,
  gitopsApplicationRollbackPermission,
  gitopsApplicationSyncPermission,
  gitopsPromotionApprovePermission,
  gitopsPromotionCreatePermission,
  type GitopsHealthResponse,
  type PromotionListResponse,
  type PromotionPreview,
  type PromotionRecord as ApiPromotionRecord,
} from '@internal/backstage-plugin-gitops-common';
import type { JsonObject } from '@backstage/types';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type {
  ApplicationAction,
  ApplicationActions,
} from './actions/ApplicationActions';
import type { EntityOverviewService } from './overview/EntityOverviewService';
import {
  toApiPromotion,
  type Actor,
  type PromotionRecord,
  type PromotionService,
} from './promotion';

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
  userInfo: UserInfoService;
  /** Environments in promotion order (`gitops.environments`). */
  environments: string[];
  /** Undefined when promotion is off (no `gitops.repository`): its routes answer 503. */
  promotions?: PromotionService;
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

const promotionParams = z.object({
  id: z.string().uuid('must be a promotion id'),
  action: z.enum(['approve', 'close', 'rollback']),
});

const versionField = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'must be a version like 1.4.0');

const promotionBody = (environments: string[]) => {
  const env = z.string().refine(e => environments.includes(e), {
    message: `must be one of ${environments.join(', ')}`,
  });
  return z.object({
    from: env,
    to: env,
    version: versionField.optional(),
    previewId: z.string().uuid('must be a preview id').optional(),
  });
};

/** The service names the field of a bad input (`to: ...`); the API names it `body.to`. */
function inBody(error: unknown): unknown {
  if (
    error instanceof InputError &&
    /^(from|to|version|previewId): /.test(error.message)
  ) {
    return new InputError(`Invalid body.${error.message}`);
  }
  return error;
}

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

  // --- promotions ------------------------------------------------------------------------

  const { promotions, userInfo } = options;
  const promotionService = () => {
    if (!promotions) {
      throw new ServiceUnavailableError(
        'Promotions are not enabled: configure the gitops repository (gitops.repository.url) of the GitOps backend',
      );
    }
    return promotions;
  };
  const bodySchema = promotionBody(options.environments);
  const previewSchema = bodySchema.omit({ previewId: true });

  /** The signed-in user (a service cannot promote) with the refs they own through. */
  const actorOf = async (
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<Actor> => {
    const info = await userInfo.getUserInfo(credentials);
    return {
      userEntityRef: info.userEntityRef,
      ownershipEntityRefs: info.ownershipEntityRefs,
    };
  };

  const authorize = async (
    permission:
      | typeof gitopsPromotionCreatePermission
      | typeof gitopsPromotionApprovePermission,
    resourceRef: string,
    credentials: BackstageCredentials,
    what: string,
  ) => {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed to ${what} of ${resourceRef}`);
    }
  };

  /** Runs an audited promotion action: the event fails with the error, or succeeds with `meta`. */
  const audited = async <T>(
    req: express.Request,
    eventId: string,
    meta: JsonObject,
    fn: () => Promise<T>,
    successMeta: (result: T) => JsonObject,
  ): Promise<T> => {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const result = await fn();
      await event.success({ meta: successMeta(result) });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw inBody(error);
    }
  };

  const recordMeta = (p: ApiPromotionRecord) => ({
    promotionId: p.id,
    entityRef: p.entityRef,
    from: p.from,
    to: p.to,
    version: p.version,
    state: p.state,
    commitSha: p.commitSha ?? null,
  });

  const userRequest = async (req: express.Request) => {
    const service = promotionService();
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    return { service, credentials };
  };

  router.get(`${base}/promotions`, async (req, res) => {
    const service = promotionService();
    const { ref } = await loadEntity(req);
    const items = await service.list(ref);
    const body: PromotionListResponse = { items: items.map(toApiPromotion) };
    res.json(body);
  });

  router.post(`${base}/promotions/preview`, async (req, res) => {
    const { service, credentials: user } = await userRequest(req);
    const body = parse(previewSchema, req.body ?? {}, 'body');
    const { entity, credentials, ref } = await loadEntity(req);
    const preview = await audited<PromotionPreview>(
      req,
      'promotion-preview',
      {
        entityRef: ref,
        from: body.from,
        to: body.to,
        version: body.version ?? null,
      },
      async () => {
        await authorize(
          gitopsPromotionCreatePermission,
          ref,
          credentials,
          'promote',
        );
        return service.preview({
          entity,
          from: body.from,
          to: body.to,
          version: body.version,
          requester: await actorOf(user),
        });
      },
      p => ({
        promotionId: p.id,
        version: p.version,
        previousVersion: p.previousVersion ?? null,
        blocked: p.blocked,
        files: p.files.map(f => f.path),
      }),
    );
    res.json(preview);
  });

  router.post(`${base}/promotions`, async (req, res) => {
    const { service, credentials: user } = await userRequest(req);
    const body = parse(bodySchema, req.body ?? {}, 'body');
    const { entity, credentials, ref } = await loadEntity(req);
    const created = await audited<ApiPromotionRecord>(
      req,
      'promotion-create',
      {
        entityRef: ref,
        from: body.from,
        to: body.to,
        version: body.version ?? null,
        previewId: body.previewId ?? null,
      },
      async () => {
        await authorize(
          gitopsPromotionCreatePermission,
          ref,
          credentials,
          'promote',
        );
        return toApiPromotion(
          await service.create({
            entity,
            from: body.from,
            to: body.to,
            version: body.version,
            previewId: body.previewId,
            requester: await actorOf(user),
          }),
        );
      },
      recordMeta,
    );
    res.status(201).json(created);
  });

  router.post('/promotions/:id/:action', async (req, res) => {
    const { service, credentials } = await userRequest(req);
    const params = parse(promotionParams, req.params, 'path');
    const existing: PromotionRecord | undefined = await service.get(params.id);
    if (!existing || existing.state === 'previewed') {
      throw new NotFoundError(`Promotion ${params.id} not found`);
    }
    // The entity as the user may see it: a hidden entity is a missing promotion.
    const entity = await catalog.getEntityByRef(existing.entityRef, {
      credentials,
    });
    if (!entity) throw new NotFoundError(`Promotion ${params.id} not found`);
    const ref = stringifyEntityRef(entity);
    const result = await audited<ApiPromotionRecord>(
      req,
      `promotion-${params.action}`,
      recordMeta(toApiPromotion(existing)),
      async () => {
        const actor = await actorOf(credentials);
        switch (params.action) {
          case 'approve':
            await authorize(
              gitopsPromotionApprovePermission,
              ref,
              credentials,
              'approve promotions',
            );
            return toApiPromotion(
              await service.approve({ id: params.id, entity, approver: actor }),
            );
          case 'close':
            await authorize(
              gitopsPromotionCreatePermission,
              ref,
              credentials,
              'close promotions',
            );
            return toApiPromotion(
              await service.close({ id: params.id, entity, actor }),
            );
          default:
            await authorize(
              gitopsPromotionCreatePermission,
              ref,
              credentials,
              'roll back promotions',
            );
            return toApiPromotion(
              await service.rollback({
                id: params.id,
                entity,
                requester: actor,
              }),
            );
        }
      },
      recordMeta,
    );
    res.status(params.action === 'rollback' ? 201 : 200).json(result);
  });

  return router;
}
