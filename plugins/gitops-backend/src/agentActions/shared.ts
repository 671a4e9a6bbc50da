import type {
  AuditorService,
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import type {
  ApplicationSummary,
  EntityOverview,
} from '@internal/backstage-plugin-gitops-common';
import type { z as zod } from 'zod/v3';
import type { ApplicationActions } from '../actions/ApplicationActions';
import type { auditedActions } from '../http/audited';
import type { EntityContext, EntityResolver } from '../http/entityContext';
import { entityParams, parse } from '../http/parse';
import type { promotionWrites } from '../http/promotionRoutes';
import type { PromotionService } from '../promotion';
import type { DiffView } from '../views/diff/DiffView';
import type { EntityViews } from '../views/EntityViews';
import type { EventsView } from '../views/events';
import type { HistoryView } from '../views/history';

/** The zod (v3 API) the actions registry hands to a schema. */
export type Zod = typeof zod;

/** What the actions use: the same pieces as the HTTP routes (see `http/router.ts`). */
export type GitopsActionsOptions = {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  auditor: AuditorService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  resolver: EntityResolver;
  views: EntityViews;
  history: HistoryView;
  events: EventsView;
  diffs: DiffView;
  actions: ApplicationActions;
  /** Cost windows, the default first. */
  costWindows: string[];
  /** Environments in promotion order. */
  environments: string[];
  /** Undefined when promotion is off (no `gitops.repository`). */
  promotions?: PromotionService;
};

/** `GitopsActionsOptions` with the writes the routes make, through the one authorize-and-audit helper. */
export type GitopsActionsDeps = GitopsActionsOptions & {
  audited: ReturnType<typeof auditedActions>;
  writes: ReturnType<typeof promotionWrites>;
};

export const ENTITY_REF_DESCRIPTION =
  'The catalog entity, as an entity ref `[<kind>:][<namespace>/]<name>`, e.g. `component:default/payments-api` (kind defaults to component, namespace to default).';

/** The input field of the entity, as every action takes it. */
export const entityRefInput = (z: Zod) =>
  z.string().describe(ENTITY_REF_DESCRIPTION);

/** An entity ref as an agent writes it, to the canonical ref; InputError naming the field. */
export function canonicalRef(value: string, field = 'entityRef'): string {
  let ref;
  try {
    ref = parseEntityRef(value.trim(), {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch {
    throw new InputError(
      `Invalid input.${field}: expected [<kind>:][<namespace>/]<name>, e.g. component:default/payments-api`,
    );
  }
  return stringifyEntityRef(parse(entityParams, ref, `input.${field}`));
}

/**
 * The entity as the caller may see it, through the routes' resolver: an entity they can't
 * read in the catalog is a NotFoundError, as a 404 of the routes.
 */
export function entityOf(
  deps: Pick<GitopsActionsDeps, 'resolver'>,
  credentials: BackstageCredentials,
  entityRef: string,
): Promise<EntityContext> {
  return deps.resolver.byRef(credentials, canonicalRef(entityRef));
}

/** Writes are a signed-in user's, as the routes' (`allow: ['user']`). */
export function userCredentials(
  deps: Pick<GitopsActionsDeps, 'auth'>,
  credentials: BackstageCredentials,
): BackstageCredentials<BackstageUserPrincipal> {
  if (!deps.auth.isPrincipal(credentials, 'user')) {
    throw new NotAllowedError(
      'This action changes things on behalf of a signed-in user; call it with a user token',
    );
  }
  return credentials;
}

/** One application as the actions answer it (the overview's, without links to Argo CD's UI). */
export const applicationOutput = (z: Zod) =>
  z.object({
    instance: z.string().describe('The Argo CD instance'),
    name: z.string().describe('The Argo CD application'),
    environment: z.string(),
    sync: z.string().describe('Synced, OutOfSync or Unknown'),
    health: z
      .string()
      .describe(
        'Healthy, Progressing, Degraded, Suspended, Missing or Unknown',
      ),
    healthMessage: z.string().optional(),
    revision: z.string().optional().describe('The git revision deployed'),
    images: z.array(z.string()),
    autoSync: z.boolean(),
    lastSyncedAt: z.string().optional(),
    operation: z
      .object({
        kind: z.string().describe('sync or rollback'),
        phase: z
          .string()
          .describe('Running, Terminating, Succeeded, Failed or Error'),
        message: z.string().optional(),
        startedAt: z.string().optional(),
        finishedAt: z.string().optional(),
        revision: z.string().optional(),
        initiatedBy: z.string().optional(),
      })
      .optional()
      .describe('The running or last Argo CD operation'),
  });

export function applicationOf(app: ApplicationSummary) {
  const op = app.operation;
  return {
    instance: app.instance,
    name: app.name,
    environment: app.environment,
    sync: app.sync,
    health: app.health,
    healthMessage: app.healthMessage,
    revision: app.revision,
    images: app.images,
    autoSync: app.autoSync,
    lastSyncedAt: app.lastSyncedAt,
    operation: op && {
      kind: op.kind,
      phase: op.phase,
      message: op.message,
      startedAt: op.startedAt,
      finishedAt: op.finishedAt,
      revision: op.revision,
      initiatedBy: op.initiatedBy,
    },
  };
}

/** How each upstream fared (a failing one never fails the answer; `error` holds no secret). */
export const sourcesOutput = (z: Zod) =>
  z.array(
    z.object({
      kind: z.string(),
      provider: z.string(),
      name: z.string(),
      status: z.string().describe('ok, error or stale'),
      fetchedAt: z.string().optional(),
      error: z.string().optional(),
    }),
  );

export const sourcesOf = (sources: EntityOverview['sources']) =>
  sources.map(s => ({
    kind: s.kind,
    provider: s.provider,
    name: s.name,
    status: s.status,
    fetchedAt: s.fetchedAt,
    error: s.error,
  }));
