import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
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

/**
 * The service names the field of a bad input (`to: ...`); the API names it `body.to`, an action
 * `input.to`.
 */
export function inField(error: unknown, where = 'body'): unknown {
  if (
    error instanceof InputError &&
    /^(from|to|version|previewId): /.test(error.message)
  ) {
    return new InputError(`Invalid ${where}.${error.message}`);
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

/** The signed-in user (a service cannot promote) with the refs they own through. */
async function actorOfUser(
  userInfo: UserInfoService,
  credentials: BackstageCredentials<BackstageUserPrincipal>,
): Promise<Actor> {
  const info = await userInfo.getUserInfo(credentials);
  return {
    userEntityRef: info.userEntityRef,
    ownershipEntityRefs: info.ownershipEntityRefs,
  };
}

/** A promotion write of a signed-in user about an entity they may see. */
type PromotionWrite<B> = {
  /** The HTTP request; none for an action of the actions registry. */
  req?: express.Request;
  context: {
    entity: Entity;
    ref: string;
    credentials: BackstageCredentials<BackstageUserPrincipal>;
  };
  promotionService: PromotionService;
  body: B;
};

/**
 * Preview and create of a promotion, `gitops.promotion.create` checked with the user's
 * credentials and audited (`promotion-preview`, `promotion-create`): what the routes and the
 * `preview-promotion` / `create-promotion` actions both run. A bad field is an InputError
 * naming it as the service does (`to: ...`); see {@link inField}.
 */
export function promotionWrites(deps: {
  userInfo: UserInfoService;
  audited: ReturnType<typeof auditedActions>;
}) {
  const { audited } = deps;
  const preview = ({
    req,
    context: { entity, ref, credentials },
    promotionService,
    body,
  }: PromotionWrite<{ from: string; to: string; version?: string }>) =>
    audited({
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
          requester: await actorOfUser(deps.userInfo, credentials),
        }),
      successMeta: p => ({
        promotionId: p.id,
        version: p.version,
        previousVersion: p.previousVersion ?? null,
        blocked: p.blocked,
        files: p.files.map(f => f.path),
      }),
    });
  const create = ({
    req,
    context: { entity, ref, credentials },
    promotionService,
    body,
  }: PromotionWrite<{
    from: string;
    to: string;
    version?: string;
    previewId?: string;
  }>) =>
    audited({
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
            requester: await actorOfUser(deps.userInfo, credentials),
          }),
        ),
      successMeta: recordMeta,
    });
  return { preview, create };
}

/** Refused without a gitops repository: the same message for the routes and the actions. */
export function promotionsOff(): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'Promotions are not enabled: configure the gitops repository (gitops.repository.url) of the GitOps backend',
  );
}

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
  const writes = promotionWrites(deps);
  const service = () => {
    if (!promotions) throw promotionsOff();
    return promotions;
  };
  const bodySchema = promotionBody(deps.environments);
  const previewSchema = bodySchema.omit({ previewId: true }).strict();

  const actorOf = (credentials: BackstageCredentials<BackstageUserPrincipal>) =>
    actorOfUser(deps.userInfo, credentials);

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
    const preview = await writes
      .preview({
        req,
        context: { entity, ref, credentials },
        promotionService,
        body,
      })
      .catch(error => {
        throw inField(error);
      });
    res.json(preview);
  });

  router.post(`${ENTITY_BASE}/promotions`, async (req, res) => {
    const body = parse(bodySchema, req.body ?? {}, 'body');
    const { promotionService, credentials, entity, ref } = await userContext(
      req,
    );
    const created = await writes
      .create({
        req,
        context: { entity, ref, credentials },
        promotionService,
        body,
      })
      .catch(error => {
        throw inField(error);
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
      throw inField(error);
    });
    res.status(params.action === 'rollback' ? 201 : 200).json(result);
  });
}
