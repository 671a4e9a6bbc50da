import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  gitopsPromotionApprovePermission,
  gitopsPromotionCreatePermission,
  type PromotionListResponse,
  type PromotionRecord as ApiPromotionRecord,
} from '@internal/backstage-plugin-gitops-common';
import type express from 'express';
import type { Router } from 'express';
import {
  toApiPromotion,
  type Actor,
  type PromotionService,
} from '../promotion';
import type { auditedActions } from './audited';
import type { EntityResolver } from './entityContext';
import { ENTITY_BASE } from './entityRoutes';
import {
  emptyBody,
  entityParams,
  parse,
  promotionBody,
  promotionParams,
} from './parse';
import { sendJson } from './cachedJson';

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

const recordMeta = (p: ApiPromotionRecord) => ({
  promotionId: p.id,
  entityRef: p.entityRef,
  from: p.from,
  to: p.to,
  version: p.version,
  state: p.state,
  commitSha: p.commitSha ?? null,
});

/**
 * Promotion routes: list (a state, `configured: false`, when the portal has no gitops
 * repository), preview, create, and approve / close / rollback by id. Every write is a
 * signed-in user's, permission-checked and audited.
 */
export function promotionRoutes(
  router: Router,
  deps: {
    httpAuth: HttpAuthService;
    userInfo: UserInfoService;
    resolver: EntityResolver;
    audited: ReturnType<typeof auditedActions>;
    environments: string[];
    promotions?: PromotionService;
  },
) {
  const { promotions, resolver, audited } = deps;
  const service = () => {
    if (!promotions) {
      throw new ServiceUnavailableError(
        'Promotions are not enabled: configure the gitops repository (gitops.repository.url) of the GitOps backend',
      );
    }
    return promotions;
  };
  const bodySchema = promotionBody(deps.environments);
  const previewSchema = bodySchema.omit({ previewId: true }).strict();

  /** The signed-in user (a service cannot promote) with the refs they own through. */
  const actorOf = async (
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<Actor> => {
    const info = await deps.userInfo.getUserInfo(credentials);
    return {
      userEntityRef: info.userEntityRef,
      ownershipEntityRefs: info.ownershipEntityRefs,
    };
  };

  /** A user's request about the entity of the path. */
  const userContext = async (req: express.Request) => {
    const promotionService = service();
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const params = parse(entityParams, req.params, 'path');
    const context = await resolver.byRef(
      credentials,
      stringifyEntityRef(params),
    );
    return { ...context, promotionService, credentials };
  };

  router.get(`${ENTITY_BASE}/promotions`, async (req, res) => {
    const { ref } = await resolver.fromRequest(req);
    const body: PromotionListResponse = promotions
      ? {
          configured: true,
          items: (await promotions.list(ref)).map(toApiPromotion),
        }
      : { configured: false, items: [] };
    // Revalidated on every Signals message of the entity: unchanged, it is a 304.
    sendJson(req, res, JSON.stringify(body));
  });

  router.post(`${ENTITY_BASE}/promotions/preview`, async (req, res) => {
    const body = parse(previewSchema, req.body ?? {}, 'body');
    const { promotionService, credentials, entity, ref } = await userContext(
      req,
    );
    const preview = await audited({
      req,
      eventId: 'promotion-preview',
      meta: {
        entityRef: ref,
        from: body.from,
        to: body.to,
        version: body.version ?? null,
      },
      permission: gitopsPromotionCreatePermission,
      resourceRef: ref,
      credentials,
      what: 'promote',
      run: async () =>
        promotionService.preview({
          entity,
          from: body.from,
          to: body.to,
          version: body.version,
          requester: await actorOf(credentials),
        }),
      successMeta: p => ({
        promotionId: p.id,
        version: p.version,
        previousVersion: p.previousVersion ?? null,
        blocked: p.blocked,
        files: p.files.map(f => f.path),
      }),
    }).catch(error => {
      throw inBody(error);
    });
    res.json(preview);
  });

  router.post(`${ENTITY_BASE}/promotions`, async (req, res) => {
    const body = parse(bodySchema, req.body ?? {}, 'body');
    const { promotionService, credentials, entity, ref } = await userContext(
      req,
    );
    const created = await audited({
      req,
      eventId: 'promotion-create',
      meta: {
        entityRef: ref,
        from: body.from,
        to: body.to,
        version: body.version ?? null,
        previewId: body.previewId ?? null,
      },
      permission: gitopsPromotionCreatePermission,
      resourceRef: ref,
      credentials,
      what: 'promote',
      run: async () =>
        toApiPromotion(
          await promotionService.create({
            entity,
            from: body.from,
            to: body.to,
            version: body.version,
            previewId: body.previewId,
            requester: await actorOf(credentials),
          }),
        ),
      successMeta: recordMeta,
    }).catch(error => {
      throw inBody(error);
    });
    res.status(201).json(created);
  });

  router.post('/promotions/:id/:action', async (req, res) => {
    const promotionService = service();
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const params = parse(promotionParams, req.params, 'path');
    parse(emptyBody, req.body ?? {}, 'body');
    const existing = await promotionService.get(params.id);
    if (!existing || existing.state === 'previewed') {
      throw new NotFoundError(`Promotion ${params.id} not found`);
    }
    // The entity as the user may see it: a hidden entity is a missing promotion.
    const context = await resolver
      .byRef(credentials, existing.entityRef)
      .catch(error => {
        throw error instanceof NotFoundError
          ? new NotFoundError(`Promotion ${params.id} not found`)
          : error;
      });
    const { entity, ref } = context;
    const step = {
      approve: {
        permission: gitopsPromotionApprovePermission,
        what: 'approve promotions',
        run: async () =>
          promotionService.approve({
            id: params.id,
            entity,
            approver: await actorOf(credentials),
          }),
      },
      close: {
        permission: gitopsPromotionCreatePermission,
        what: 'close promotions',
        run: async () =>
          promotionService.close({
            id: params.id,
            entity,
            actor: await actorOf(credentials),
          }),
      },
      rollback: {
        permission: gitopsPromotionCreatePermission,
        what: 'roll back promotions',
        run: async () =>
          promotionService.rollback({
            id: params.id,
            entity,
            requester: await actorOf(credentials),
          }),
      },
    }[params.action];
    const result = await audited({
      req,
      eventId: `promotion-${params.action}`,
      meta: recordMeta(toApiPromotion(existing)),
      permission: step.permission,
      resourceRef: ref,
      credentials,
      what: step.what,
      run: async () => toApiPromotion(await step.run()),
      successMeta: recordMeta,
    }).catch(error => {
      throw inBody(error);
    });
    res.status(params.action === 'rollback' ? 201 : 200).json(result);
  });
}
