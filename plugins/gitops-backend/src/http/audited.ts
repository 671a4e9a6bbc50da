import type {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import type express from 'express';

export type AuditedAction<T> = {
  /**
   * The HTTP request, when there is one (the auditor reads the actor from it); an action of the
   * actions registry has none: the actor is then recorded in the event's meta (`actor`, with
   * `via: 'actions-registry'`).
   */
  req?: express.Request;
  /** The auditor's event id, e.g. `application-action`. */
  eventId: string;
  meta: JsonObject;
  /** Checked with the permission policy (a fresh decision: writes are never cached). */
  permission: ResourcePermission<'catalog-entity'>;
  resourceRef: string;
  credentials: BackstageCredentials;
  /** For the refusal: `Not allowed to <what> of <ref>`. */
  what: string;
  /** Further permissions the action needs (a sync that prunes), each with its own `what`. */
  alsoRequires?: Array<{
    permission: ResourcePermission<'catalog-entity'>;
    what: string;
  }>;
  run: () => Promise<T>;
  successMeta: (result: T) => JsonObject;
};

/** Who acts, as the auditor would say it from a request: a user's or a service's ref. */
function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? principal.type ?? '';
}

/**
 * The one way a write happens: an auditor event is opened, the permission checked (a refusal
 * is recorded as the event's failure), the action run, and the event closed with its outcome.
 */
export function auditedActions(deps: {
  auditor: AuditorService;
  permissions: PermissionsService;
}) {
  return async <T>(action: AuditedAction<T>): Promise<T> => {
    const event = await deps.auditor.createEvent({
      eventId: action.eventId,
      severityLevel: 'medium',
      ...(action.req
        ? { request: action.req, meta: action.meta }
        : {
            meta: {
              ...action.meta,
              actor: actorOf(action.credentials),
              via: 'actions-registry',
            },
          }),
    });
    try {
      const needed = [
        { permission: action.permission, what: action.what },
        ...(action.alsoRequires ?? []),
      ];
      const decisions = await deps.permissions.authorize(
        needed.map(n => ({
          permission: n.permission,
          resourceRef: action.resourceRef,
        })),
        { credentials: action.credentials },
      );
      const refused = needed.find(
        (_, i) => decisions[i].result !== AuthorizeResult.ALLOW,
      );
      if (refused) {
        throw new NotAllowedError(
          `Not allowed to ${refused.what} of ${action.resourceRef}`,
        );
      }
      const result = await action.run();
      await event.success({ meta: action.successMeta(result) });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  };
}
