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
  req: express.Request;
  /** The auditor's event id, e.g. `application-action`. */
  eventId: string;
  meta: JsonObject;
  /** Checked with the permission policy (a fresh decision: writes are never cached). */
  permission: ResourcePermission<'catalog-entity'>;
  resourceRef: string;
  credentials: BackstageCredentials;
  /** For the refusal: `Not allowed to <what> of <ref>`. */
  what: string;
  run: () => Promise<T>;
  successMeta: (result: T) => JsonObject;
};

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
      request: action.req,
      meta: action.meta,
    });
    try {
      const [decision] = await deps.permissions.authorize(
        [{ permission: action.permission, resourceRef: action.resourceRef }],
        { credentials: action.credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `Not allowed to ${action.what} of ${action.resourceRef}`,
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
