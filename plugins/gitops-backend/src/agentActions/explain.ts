import { InputError } from '@backstage/errors';
import type {
  ApplicationDiff,
  ApplicationSummary,
  EntityEvents,
  EntityOverview,
} from '@internal/backstage-plugin-gitops-common';
import { overviewViewOf } from '../http/entityRoutes';
import {
  applicationOf,
  applicationOutput,
  entityOf,
  entityRefInput,
  type GitopsActionsDeps,
} from './shared';

/** Events per application in the answer (the newest; the view keeps 20). */
const MAX_EVENTS = 10;
/** A resource's unified diff is cut here: the summary lines say what changed. */
const MAX_DIFF_CHARS = 2_000;

type EventsOfApp = EntityEvents['applications'][number];

/** An application is explained when it is not Synced and Healthy, or its last operation failed. */
const troubled = (app: ApplicationSummary) =>
  app.sync !== 'Synced' ||
  app.health !== 'Healthy' ||
  app.operation?.phase === 'Failed' ||
  app.operation?.phase === 'Error';

const where = (r: { kind: string; namespace?: string; name: string }) =>
  `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

/** The reasons in a few sentences, from the state, the differences, the resources and events. */
function reasonsOf(
  app: ApplicationSummary,
  diff: ApplicationDiff | undefined,
  events: EventsOfApp | undefined,
): string[] {
  const reasons: string[] = [];
  if (app.sync === 'OutOfSync') {
    const differing = diff?.resources ?? [];
    reasons.push(
      differing.length
        ? `OutOfSync: ${
            differing.length
          } resource(s) differ from git: ${differing
            .map(
              r =>
                `${where(r)} (${r.action}${
                  r.summary.length ? `: ${r.summary.join('; ')}` : ''
                })`,
            )
            .join(', ')}.`
        : 'OutOfSync: Argo CD reports a difference from git.',
    );
    if (!app.autoSync) {
      reasons.push(
        'Auto-sync is off for this application: it stays OutOfSync until someone syncs it (gitops:sync-application).',
      );
    }
  }
  if (app.health !== 'Healthy') {
    reasons.push(
      `Health ${app.health}${
        app.healthMessage ? `: ${app.healthMessage}` : ''
      }.`,
    );
  }
  for (const r of events?.unhealthy ?? []) {
    reasons.push(
      `${where(r)} is ${r.health}${r.message ? `: ${r.message}` : ''}.`,
    );
  }
  const op = app.operation;
  if (op && (op.phase === 'Failed' || op.phase === 'Error')) {
    reasons.push(
      `The last ${op.kind} ${op.phase}${op.message ? `: ${op.message}` : ''}.`,
    );
  }
  const warnings = (events?.events ?? []).filter(e => e.type === 'Warning');
  for (const e of warnings.slice(0, 3)) {
    reasons.push(
      `Warning event${e.reason ? ` ${e.reason}` : ''}${
        e.object ? ` on ${e.object}` : ''
      }: ${e.message}${e.count > 1 ? ` (${e.count} times)` : ''}.`,
    );
  }
  if (events?.error) reasons.push(`Events could not be read: ${events.error}`);
  if (diff?.error) reasons.push(`The diff could not be read: ${diff.error}`);
  return reasons;
}

/**
 * `gitops:explain`: why an entity's applications are OutOfSync or not Healthy: what differs from
 * git (`DiffView`, as the diff route), the unhealthy resources with their health messages and
 * the events (`EventsView`, as the events route), and the reasons in short sentences.
 */
export function registerExplain(deps: GitopsActionsDeps) {
  const [defaultWindow] = deps.costWindows;
  deps.actionsRegistry.register({
    name: 'explain',
    title: 'Explain a GitOps application',
    description:
      "Why a catalog entity's Argo CD applications are OutOfSync, Degraded or failed to sync: what differs between the cluster and git (per resource, a summary and a unified diff), the resources that are not Healthy with their health messages, the newest Kubernetes events, and the reasons in short sentences. Without `application`, every application of the entity that is not Synced and Healthy is explained. Read-only.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
          application: z
            .string()
            .optional()
            .describe(
              'The Argo CD application to explain (its name, as get-overview lists it); default: all that are not Synced and Healthy',
            ),
          instance: z
            .string()
            .optional()
            .describe(
              'The Argo CD instance of the application, when two instances have an application of that name',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          applications: z.array(
            applicationOutput(z).extend({
              reasons: z.array(z.string()),
              differences: z.array(
                z.object({
                  group: z.string().optional(),
                  kind: z.string(),
                  namespace: z.string().optional(),
                  name: z.string(),
                  hook: z.boolean().optional(),
                  action: z.string().describe('create, update or prune'),
                  summary: z.array(z.string()),
                  diff: z
                    .string()
                    .describe('Unified diff, live (-) to git (+), cut short'),
                }),
              ),
              unhealthy: z.array(
                z.object({
                  kind: z.string(),
                  namespace: z.string().optional(),
                  name: z.string(),
                  health: z.string(),
                  message: z.string().optional(),
                }),
              ),
              events: z.array(
                z.object({
                  type: z.string(),
                  reason: z.string().optional(),
                  message: z.string(),
                  count: z.number(),
                  lastSeen: z.string().optional(),
                  object: z.string().optional(),
                }),
              ),
            }),
          ),
          inGoodShape: z
            .array(z.string())
            .describe(
              'The other applications (instance/name): Synced and Healthy, nothing to explain',
            ),
        }),
    },
    action: async ({ input, credentials }) => {
      if (input.instance !== undefined && input.application === undefined) {
        throw new InputError(
          'Invalid input.application: required with input.instance',
        );
      }
      const context = await entityOf(deps, credentials, input.entityRef);
      const overview = JSON.parse(
        overviewViewOf(deps.views, context, defaultWindow).content,
      ) as Pick<EntityOverview, 'entityRef' | 'environments'>;
      const all = overview.environments.flatMap(e => e.applications);
      let chosen: ApplicationSummary[];
      if (input.application !== undefined) {
        chosen = all.filter(
          a =>
            a.name === input.application &&
            (input.instance === undefined || a.instance === input.instance),
        );
        if (chosen.length === 0) {
          throw new InputError(
            `Invalid input.application: ${context.ref} has no application ${
              input.instance ? `${input.instance}/` : ''
            }${input.application} (it has ${
              all.map(a => `${a.instance}/${a.name}`).join(', ') || 'none'
            })`,
          );
        }
        if (chosen.length > 1) {
          throw new InputError(
            `Invalid input.instance: ${input.application} is in ${chosen
              .map(a => a.instance)
              .join(' and ')}; name the instance`,
          );
        }
      } else {
        chosen = all.filter(troubled);
      }
      const applications = await Promise.all(
        chosen.map(async app => {
          const only = `${app.instance}/${app.name}`;
          const [events, diffs] = await Promise.all([
            deps.events.events(context.entity, only),
            deps.diffs.diffs(context.entity, only),
          ]);
          const ev = events.applications[0];
          const diff = diffs.applications[0];
          return {
            ...applicationOf(app),
            reasons: reasonsOf(app, diff, ev),
            differences: (diff?.resources ?? []).map(r => ({
              group: r.group,
              kind: r.kind,
              namespace: r.namespace,
              name: r.name,
              hook: r.hook,
              action: r.action,
              summary: r.summary,
              diff:
                r.diff.length > MAX_DIFF_CHARS
                  ? `${r.diff.slice(0, MAX_DIFF_CHARS)}\n… (cut)`
                  : r.diff,
            })),
            unhealthy: (ev?.unhealthy ?? []).map(r => ({
              kind: r.kind,
              namespace: r.namespace,
              name: r.name,
              health: r.health,
              message: r.message,
            })),
            events: (ev?.events ?? []).slice(0, MAX_EVENTS).map(e => ({
              type: e.type,
              reason: e.reason,
              message: e.message,
              count: e.count,
              lastSeen: e.lastSeen,
              object: e.object,
            })),
          };
        }),
      );
      const explained = new Set(chosen);
      return {
        output: {
          entityRef: overview.entityRef,
          applications,
          inGoodShape: all
            .filter(a => !explained.has(a) && !troubled(a))
            .map(a => `${a.instance}/${a.name}`),
        },
      };
    },
  });
}
