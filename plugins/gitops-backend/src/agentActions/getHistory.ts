import { InputError } from '@backstage/errors';
import {
  entityOf,
  entityRefInput,
  sourcesOf,
  sourcesOutput,
  type GitopsActionsDeps,
} from './shared';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 200;

/**
 * `gitops:get-history`: the deployments of an entity's applications from Argo CD's history,
 * newest first, with the commit's author and message (the history route's `HistoryView`).
 */
export function registerGetHistory(deps: GitopsActionsDeps) {
  const [defaultWindow] = deps.costWindows;
  deps.actionsRegistry.register({
    name: 'get-history',
    title: 'Get GitOps deployment history',
    description:
      "The deployments of a catalog entity's Argo CD applications, newest first: environment, application, Argo CD history id (what a rollback takes), git revision, images, when, who started it, and the commit's author and message. Read-only.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
          environment: z
            .string()
            .optional()
            .describe(
              `Only this environment (${deps.environments.join(', ')})`,
            ),
          limit: z
            .number()
            .optional()
            .describe(
              `At most this many entries, 1..${MAX_LIMIT} (default ${DEFAULT_LIMIT})`,
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          entries: z.array(
            z.object({
              environment: z.string(),
              instance: z.string(),
              application: z.string(),
              id: z.number().describe('The Argo CD history id'),
              revision: z.string(),
              images: z.array(z.string()),
              deployedAt: z.string().optional(),
              deployStartedAt: z.string().optional(),
              initiatedBy: z.string().optional(),
              author: z.string().optional(),
              message: z.string().optional(),
            }),
          ),
          total: z
            .number()
            .describe('How many entries there are before the limit'),
          sources: sourcesOutput(z),
        }),
    },
    action: async ({ input, credentials }) => {
      const limit = input.limit ?? DEFAULT_LIMIT;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        throw new InputError(
          `Invalid input.limit: must be an integer from 1 to ${MAX_LIMIT}`,
        );
      }
      if (
        input.environment !== undefined &&
        !deps.environments.includes(input.environment)
      ) {
        throw new InputError(
          `Invalid input.environment: must be one of ${deps.environments.join(
            ', ',
          )}`,
        );
      }
      const { entity } = await entityOf(deps, credentials, input.entityRef);
      const history = await deps.history.history(entity, defaultWindow);
      const entries = history.entries.filter(
        e => !input.environment || e.environment === input.environment,
      );
      return {
        output: {
          entityRef: history.entityRef,
          entries: entries.slice(0, limit).map(e => ({
            environment: e.environment,
            instance: e.instance,
            application: e.application,
            id: e.id,
            revision: e.revision,
            images: e.images,
            deployedAt: e.deployedAt,
            deployStartedAt: e.deployStartedAt,
            initiatedBy: e.initiatedBy,
            author: e.author,
            message: e.message,
          })),
          total: entries.length,
          sources: sourcesOf(history.sources),
        },
      };
    },
  });
}
