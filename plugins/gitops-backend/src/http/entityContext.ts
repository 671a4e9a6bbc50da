import type {
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

  return { byRef, fromRequest, readable };
}

export type EntityResolver = ReturnType<typeof entityResolver>;
