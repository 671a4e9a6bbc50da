import type { EntityOverview } from '@internal/backstage-plugin-gitops-common';
import { overviewViewOf, permissionsOf } from '../http/entityRoutes';
import { parse, windowField } from '../http/parse';
import { z as zod } from 'zod';
import {
  applicationOf,
  applicationOutput,
  entityOf,
  entityRefInput,
  sourcesOf,
  sourcesOutput,
  type GitopsActionsDeps,
} from './shared';

/**
 * `gitops:get-overview`: an entity's environments, per environment its version and its Argo CD
 * applications (sync, health, version, operation), with cost and backup in brief, what the
 * caller may do, and how each source fared. The overview route's content (`EntityViews`), read
 * with the caller's credentials.
 */
export function registerGetOverview(deps: GitopsActionsDeps) {
  const [defaultWindow] = deps.costWindows;
  const query = zod.object({
    costWindow: windowField(deps.costWindows).optional(),
  });
  deps.actionsRegistry.register({
    name: 'get-overview',
    title: 'Get GitOps overview',
    description: `The deployment state of a catalog entity (a service) in each environment (${deps.environments.join(
      ', ',
    )}): the version each runs, each Argo CD application with its sync status, health, images and running or last operation, the environment's cost over a window and its last backup, what the caller may do (permissions), and whether each upstream (Argo CD, cost, Velero) answered. Read-only.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
          costWindow: z
            .string()
            .optional()
            .describe(
              `The cost window, one of ${deps.costWindows.join(
                ', ',
              )} (default ${defaultWindow})`,
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          asOf: z.string().describe('When the overview last changed'),
          environments: z.array(
            z.object({
              name: z.string(),
              version: z
                .string()
                .optional()
                .describe(
                  'The image tag the environment runs; absent when its applications disagree or none runs',
                ),
              revision: z.string().optional(),
              deployedAt: z.string().optional(),
              deployedBy: z.string().optional(),
              applications: z.array(applicationOutput(z)),
              cost: z
                .object({
                  window: z.string(),
                  currency: z.string(),
                  total: z.number(),
                })
                .optional(),
              backup: z
                .object({
                  lastPhase: z.string().optional(),
                  lastSuccessfulAt: z.string().optional(),
                  rpoSeconds: z.number().optional(),
                  rpoTargetSeconds: z.number().optional(),
                  uncoveredNamespaces: z.array(z.string()),
                })
                .optional(),
            }),
          ),
          permissions: z
            .record(z.boolean())
            .describe(
              'What the caller may do here: sync, prune, refresh, rollback, promote, approve, promoteRollout, abortRollout',
            ),
          promotionsConfigured: z.boolean(),
          sources: sourcesOutput(z),
        }),
    },
    action: async ({ input, credentials }) => {
      const { costWindow } = parse(
        query,
        { costWindow: input.costWindow },
        'input',
      );
      const context = await entityOf(deps, credentials, input.entityRef);
      const window = costWindow ?? defaultWindow;
      const view = overviewViewOf(deps.views, context, window);
      const overview = JSON.parse(view.content) as Omit<
        EntityOverview,
        'asOf' | 'permissions'
      >;
      return {
        output: {
          entityRef: overview.entityRef,
          asOf: view.asOf,
          environments: overview.environments.map(env => ({
            name: env.name,
            version: env.version.version,
            revision: env.version.revision,
            deployedAt: env.version.deployedAt,
            deployedBy: env.version.deployedBy,
            applications: env.applications.map(applicationOf),
            cost: env.cost && {
              window: env.cost.window,
              currency: env.cost.currency,
              total: env.cost.total,
            },
            backup: env.backup && {
              lastPhase: env.backup.lastPhase,
              lastSuccessfulAt: env.backup.lastSuccessfulAt,
              rpoSeconds: env.backup.rpoSeconds,
              rpoTargetSeconds: env.backup.rpoTargetSeconds,
              uncoveredNamespaces: env.backup.uncoveredNamespaces,
            },
          })),
          permissions: permissionsOf(context),
          promotionsConfigured: overview.promotionsConfigured,
          sources: sourcesOf(overview.sources),
        },
      };
    },
  });
}
