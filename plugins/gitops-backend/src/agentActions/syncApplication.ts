import { InputError } from '@backstage/errors';
import { applicationAction } from '../http/applicationRoutes';
import {
  applicationOf,
  applicationOutput,
  entityOf,
  entityRefInput,
  userCredentials,
  type GitopsActionsDeps,
} from './shared';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * `gitops:sync-application`: syncs one of an entity's Argo CD applications to git, as
 * `POST …/applications/:instance/:app/sync`: `gitops.application.sync` (and
 * `gitops.application.prune` for a pruning sync) checked with the user's credentials, audited.
 *
 * Attributes: a sync changes the cluster (it replaces live resources with git's, reverting
 * changes made behind Argo CD's back, and runs the sync hooks again; with `prune` it deletes),
 * so it is `destructive`, and not `idempotent` (each call is a new operation whose hooks run).
 * A `dryRun` changes nothing live, but the attributes are the action's, not the call's.
 */
export function registerSyncApplication(deps: GitopsActionsDeps) {
  deps.actionsRegistry.register({
    name: 'sync-application',
    title: 'Sync a GitOps application',
    description:
      "Syncs one of a catalog entity's Argo CD applications to the state in git (get-overview lists them with their instance). The answer is the application as it is right after the sync started (operation Running); ask get-overview later for the outcome. `prune: true` also deletes resources git no longer holds (needs gitops.application.prune); `dryRun: true` only shows what would change. Needs the permission to sync the entity's applications (gitops.application.sync) and a signed-in user.",
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        z
          .object({
            entityRef: entityRefInput(z),
            instance: z
              .string()
              .describe(
                'The Argo CD instance of the application, e.g. argocd-prod',
              ),
            application: z
              .string()
              .describe('The Argo CD application, e.g. payments-api-prod'),
            prune: z
              .boolean()
              .optional()
              .describe('Also delete resources that git no longer holds'),
            dryRun: z
              .boolean()
              .optional()
              .describe('Only show what a sync would do; nothing live changes'),
          })
          // As the route's body: an option it does not take (`force`) is refused, not ignored.
          .strict(),
      output: z =>
        z.object({
          application: applicationOutput(z),
          prune: z.boolean(),
          dryRun: z.boolean(),
        }),
    },
    action: async ({ input, credentials }) => {
      const user = userCredentials(deps, credentials);
      for (const field of ['instance', 'application'] as const) {
        const value = input[field];
        if (value.length === 0 || value.length > 253 || !NAME.test(value)) {
          throw new InputError(
            `Invalid input.${field}: expected a name of letters, digits, '.', '_' and '-'`,
          );
        }
      }
      const context = await entityOf(deps, user, input.entityRef);
      const options = {
        ...(input.prune !== undefined ? { prune: input.prune } : {}),
        ...(input.dryRun !== undefined ? { dryRun: input.dryRun } : {}),
      };
      const result = await applicationAction(deps, {
        context,
        instance: input.instance,
        application: input.application,
        action: 'sync',
        options,
      });
      return {
        output: {
          application: applicationOf(result.application),
          prune: Boolean(input.prune),
          dryRun: Boolean(input.dryRun),
        },
      };
    },
  });
}
