import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  ApplicationActionResponse,
  EntityHistory,
  EntityOverview,
  EntityResources,
} from '@internal/backstage-plugin-gitops-common';

/** An Argo CD action a person can trigger from the portal. @public */
export type ApplicationAction =
  | { type: 'sync' }
  | { type: 'refresh' }
  | { type: 'rollback'; id: number };

/** Client of the gitops-backend API. @public */
export interface GitopsApi {
  getOverview(
    entity: CompoundEntityRef,
    options?: { costWindow?: string },
  ): Promise<EntityOverview>;
  getHistory(entity: CompoundEntityRef): Promise<EntityHistory>;
  getResources(entity: CompoundEntityRef): Promise<EntityResources>;
  runApplicationAction(
    entity: CompoundEntityRef,
    application: { instance: string; name: string },
    action: ApplicationAction,
  ): Promise<ApplicationActionResponse>;
}

/** @public */
export const gitopsApiRef = createApiRef<GitopsApi>({ id: 'plugin.gitops' });
