import type {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type express from 'express';
import type { EntityAccess, EntityDecisions } from '../access/EntityAccess';
import type { EntityMirror } from '../entities/EntityMirror';
import { hasWorkloads, workloadSpecOf } from '../entities/workloads';
import { BoundedMap } from '../util/BoundedMap';
import { Singleflight } from '../util/singleflight';
import { entityParams, parse } from './parse';

export type EntityContext = {
  entity: Entity;
  ref: string;
  credentials: BackstageCredentials;
  decisions: EntityDecisions;
  /** Whether the entity is one of the annotated entities the views are kept for. */
  mirrored: boolean;
};

/**
 * The entity of a request and what the caller may do with it. An annotated entity comes from
 * the mirror and the caller's read access is decided here by the catalog's own rules (no catalog
 * call); another one is read from the catalog with the caller's credentials. Either way, an
 * entity the caller can't read in the catalog is a 404 here.
 */
export function entityResolver(deps: {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  mirror: EntityMirror;
  access: EntityAccess;
  /** The plugin's own credentials, to read the groups and systems of estate pages. */
  auth?: AuthService;
  /** How long such a group or system is kept (the mirror's interval). */
  estateEntityTtlMs?: number;
}) {
  /** The entity `wanted` as `credentials` may see it; NotFoundError otherwise. */
  const byRef = async (
    credentials: BackstageCredentials,
    wanted: string,
  ): Promise<EntityContext> => {
    const mirrored = deps.mirror.get(wanted);
    if (mirrored) {
      const decisions = await deps.access.decide(credentials, mirrored);
      if (!decisions.read)
        throw new NotFoundError(`Entity ${wanted} not found`);
      return {
        entity: mirrored,
        ref: stringifyEntityRef(mirrored),
        credentials,
        decisions,
        mirrored: true,
      };
    }
    const entity = await deps.catalog.getEntityByRef(wanted, { credentials });
    if (!entity) throw new NotFoundError(`Entity ${wanted} not found`);
    // An annotated entity the mirror has not read yet (a new one): read the catalog soon.
    if (hasWorkloads(workloadSpecOf(entity))) deps.mirror.refreshSoon();
    const decisions = await deps.access.decide(credentials, entity);
    // The catalog read with the caller's credentials already filters; the same decision here
    // keeps a catalog that does not (a module's, a test's) from showing more.
    if (!decisions.read) throw new NotFoundError(`Entity ${wanted} not found`);
    return {
      entity,
      ref: stringifyEntityRef(entity),
      credentials,
      decisions,
      mirrored: false,
    };
  };

  /** Which of `entities` (mirrored ones, e.g. an estate's members) the caller may read. */
  const readable = (credentials: BackstageCredentials, entities: Entity[]) =>
    deps.access.canRead(credentials, entities);

  /** The entity of a request's path (`/entities/:kind/:namespace/:name/...`). */
  const fromRequest = async (req: express.Request): Promise<EntityContext> => {
    const params = parse(entityParams, req.params, 'path');
    const credentials = await deps.httpAuth.credentials(req);
    return byRef(credentials, stringifyEntityRef(params));
  };

  const estateEntities = new BoundedMap<string, { entity: Entity; at: number }>(
    1_000,
  );
  const flights = new Singleflight();
  const estateEntity = (wanted: string, auth: AuthService) => {
    const key = wanted.toLowerCase();
    const cached = estateEntities.get(key);
    if (cached && Date.now() - cached.at < (deps.estateEntityTtlMs ?? 30_000)) {
      return Promise.resolve(cached.entity);
    }
    return flights.do(key, async () => {
      const credentials = await auth.getOwnServiceCredentials();
      const entity = await deps.catalog.getEntityByRef(wanted, { credentials });
      // Only what exists is kept: a group created since is found at once.
      if (entity) estateEntities.set(key, { entity, at: Date.now() });
      return entity;
    });
  };

  /**
   * The group or system of an estate request. Read with the plugin's own credentials at most
   * once per `estateEntityTtlMs`, as the mirror reads the annotated entities, and the caller's
   * read access decided on it here by the catalog's rules: a page view makes no catalog or
   * permission call. Without `auth`, read as any other entity.
   */
  const estateFromRequest = async (
    req: express.Request,
  ): Promise<EntityContext> => {
    if (!deps.auth) return fromRequest(req);
    const params = parse(entityParams, req.params, 'path');
    const credentials = await deps.httpAuth.credentials(req);
    const wanted = stringifyEntityRef(params);
    const entity = await estateEntity(wanted, deps.auth);
    const decisions = entity && (await deps.access.decide(credentials, entity));
    if (!entity || !decisions?.read) {
      throw new NotFoundError(`Entity ${wanted} not found`);
    }
    return {
      entity,
      ref: stringifyEntityRef(entity),
      credentials,
      decisions,
      mirrored: false,
    };
  };

  return { byRef, fromRequest, estateFromRequest, readable };
}

export type EntityResolver = ReturnType<typeof entityResolver>;
