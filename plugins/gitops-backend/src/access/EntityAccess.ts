import type {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  gitopsApplicationPrunePermission,
  gitopsApplicationRefreshPermission,
  gitopsApplicationRollbackPermission,
  gitopsApplicationSyncPermission,
  gitopsPromotionApprovePermission,
  gitopsPromotionCreatePermission,
  gitopsRolloutAbortPermission,
  gitopsRolloutPromotePermission,
  type EntityPermissions,
} from '@internal/backstage-plugin-gitops-common';
import { Singleflight } from '../util/singleflight';

/** The decisions a page needs, by the name the overview answers them under. */
const PERMISSIONS = {
  read: catalogEntityReadPermission,
  sync: gitopsApplicationSyncPermission,
  prune: gitopsApplicationPrunePermission,
  refresh: gitopsApplicationRefreshPermission,
  rollback: gitopsApplicationRollbackPermission,
  promote: gitopsPromotionCreatePermission,
  approve: gitopsPromotionApprovePermission,
  promoteRollout: gitopsRolloutPromotePermission,
  abortRollout: gitopsRolloutAbortPermission,
} satisfies Record<string, ResourcePermission<'catalog-entity'>>;

type Name = keyof typeof PERMISSIONS;
const NAMES = Object.keys(PERMISSIONS) as Name[];
const READ_INDEX = NAMES.indexOf('read');

export type EntityDecisions = { read: boolean } & EntityPermissions;

/** The catalog's own rules (isEntityOwner, hasAnnotation, ...), applied to one entity. */
const applyConditions = createConditionAuthorizer(
  Object.values(permissionRules) as any,
) as (decision: PolicyDecision, entity: Entity) => boolean;

/**
 * What a user may do with an entity, without a permission or catalog call per page view. The
 * policy's answer for the user (ALLOW, DENY, or conditions over catalog rules such as
 * `isEntityOwner`) is asked once per user and kept `ttlMs`; conditions are then applied to the
 * entity here, as the catalog applies them to its own reads, so a user who can't read an entity
 * in the catalog can't read it here either. Conditions with rules we don't know are asked of
 * the permission backend for that entity.
 */
export class EntityAccess {
  private readonly decisions = new Map<
    string,
    { at: number; decisions: PolicyDecision[] }
  >();
  private readonly flights = new Singleflight();

  constructor(
    private readonly deps: {
      permissions: PermissionsService;
      logger: LoggerService;
      now: () => number;
      ttlMs: number;
    },
  ) {}

  async decide(
    credentials: BackstageCredentials,
    entity: Entity,
  ): Promise<EntityDecisions> {
    const decisions = await this.policyDecisions(credentials);
    const out = {} as EntityDecisions;
    let unknownRules: Name[] | undefined;
    NAMES.forEach((name, i) => {
      try {
        out[name] = applyConditions(decisions[i], entity);
      } catch {
        (unknownRules ??= []).push(name);
      }
    });
    if (unknownRules) {
      const resourceRef = stringifyEntityRef(entity);
      const answers = await this.deps.permissions.authorize(
        unknownRules.map(name => ({
          permission: PERMISSIONS[name],
          resourceRef,
        })),
        { credentials },
      );
      unknownRules.forEach((name, i) => {
        out[name] = answers[i].result === AuthorizeResult.ALLOW;
      });
    }
    return out;
  }

  /**
   * Whether the user may read each entity in the catalog (an estate's members): the policy's
   * cached answer applied to each entity, only the read decision; the permission backend is
   * asked, once for all of them, only for the entities a condition it has rules for decides.
   */
  async canRead(
    credentials: BackstageCredentials,
    entities: Entity[],
  ): Promise<boolean[]> {
    const read = (await this.policyDecisions(credentials))[READ_INDEX];
    const out: boolean[] = [];
    const unknownRules: number[] = [];
    entities.forEach((entity, i) => {
      try {
        out[i] = applyConditions(read, entity);
      } catch {
        unknownRules.push(i);
      }
    });
    if (unknownRules.length > 0) {
      const answers = await this.deps.permissions.authorize(
        unknownRules.map(i => ({
          permission: PERMISSIONS.read,
          resourceRef: stringifyEntityRef(entities[i]),
        })),
        { credentials },
      );
      unknownRules.forEach((index, i) => {
        out[index] = answers[i].result === AuthorizeResult.ALLOW;
      });
    }
    return out;
  }

  private principalKey(credentials: BackstageCredentials): string {
    const p = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    return `${p.type}:${p.userEntityRef ?? p.subject ?? ''}`;
  }

  private async policyDecisions(
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision[]> {
    const key = this.principalKey(credentials);
    const now = this.deps.now();
    const cached = this.decisions.get(key);
    if (cached && now - cached.at < this.deps.ttlMs) return cached.decisions;
    return this.flights.do(key, async () => {
      const decisions = await this.deps.permissions.authorizeConditional(
        NAMES.map(name => ({ permission: PERMISSIONS[name] })),
        { credentials },
      );
      if (this.decisions.size > 10_000) this.decisions.clear();
      this.decisions.set(key, { at: this.deps.now(), decisions });
      return decisions;
    });
  }
}
