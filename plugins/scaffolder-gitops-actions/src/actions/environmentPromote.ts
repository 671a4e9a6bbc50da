import { setTimeout as sleep } from 'node:timers/promises';
import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, isError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type {
  GateResult,
  PromotionPreview,
  PromotionRecord,
  PromotionState,
} from '@internal/backstage-plugin-gitops-common';
import { PromotionApi } from '../lib/promotionApi';
import { examples } from './environmentPromote.examples';

/** In flight or landed in git but not yet seen synced: a second create would duplicate it. */
const IN_FLIGHT: PromotionState[] = [
  'awaiting-approval',
  'pr-open',
  'committed',
  'merged',
];
const LANDED: PromotionState[] = ['committed', 'merged', 'synced'];
const REACHED: Record<'committed' | 'synced', PromotionState[]> = {
  committed: LANDED,
  synced: ['synced'],
};
const FAILED: PromotionState[] = ['failed', 'rolled-back'];

type Outcome = {
  promotion: PromotionRecord;
  /** False when an existing promotion was returned. */
  created: boolean;
  diff?: string;
};

/**
 * `gitops:environment:promote`: promotes a version of a service to the next environment through
 * the gitops backend's promotion API, as the portal's Promote dialog does (preview, gates,
 * create; same permissions, audit and four-eyes approval), on behalf of the template's
 * initiator. It never touches git itself.
 *
 * @public
 */
export function createEnvironmentPromoteAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  /** How often `waitFor` polls the promotion (default 5 s). */
  pollIntervalMs?: number;
}) {
  const { discovery, auth } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 5000;

  return createTemplateAction({
    id: 'gitops:environment:promote',
    description:
      "Promotes a version of a service from one environment to the next through the gitops backend's promotion API (preview, gates, commit or pull request), on behalf of the template's initiator.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string({
              description:
                'The service, e.g. component:default/payments-api (kind defaults to component, namespace to default)',
            })
            .min(1),
        from: z =>
          z
            .string({ description: 'The environment promoted from, e.g. dev' })
            .min(1),
        to: z =>
          z
            .string({
              description:
                'The environment promoted to; must follow `from` in the promotion order',
            })
            .min(1),
        version: z =>
          z
            .string({
              description:
                'The version to promote; absent or empty: the version `from` runs',
            })
            .optional(),
        previewOnly: z =>
          z
            .boolean({
              description:
                'Only preview (diff and gates), create nothing; dry runs always do this',
            })
            .default(false),
        waitFor: z =>
          z
            .enum(['none', 'committed', 'synced'], {
              description:
                'Wait until the promotion landed in git (`committed`; for a pull request: approved and merged) or runs Synced and Healthy in `to` (`synced`)',
            })
            .default('none'),
        waitTimeoutSeconds: z =>
          z
            .number({
              description:
                'How long `waitFor` waits before failing (the promotion stays; retrying waits again)',
            })
            .int()
            .min(1)
            .max(3600)
            .default(600),
      },
      output: {
        id: z =>
          z
            .string()
            .describe('The promotion id (the preview id when only previewing)'),
        state: z =>
          z
            .string()
            .describe(
              'previewed, awaiting-approval, committed, pr-open, merged or synced',
            ),
        version: z => z.string().describe('The version promoted'),
        previousVersion: z =>
          z.string().describe('The version `to` ran before').optional(),
        mode: z => z.string().describe('commit or pull-request'),
        commitSha: z =>
          z
            .string()
            .describe('The commit that landed (or the branch commit)')
            .optional(),
        pullRequestUrl: z =>
          z.string().describe('The pull request to approve').optional(),
        branch: z => z.string().describe('The pull request branch').optional(),
        files: z => z.array(z.string()).describe('Paths of the files changed'),
        diff: z =>
          z
            .string()
            .describe(
              'The unified diff previewed (absent for an existing promotion)',
            )
            .optional(),
        gates: z =>
          z
            .array(
              z.object({
                gate: z.string(),
                status: z.string(),
                message: z.string(),
              }),
            )
            .describe('The gate results'),
        blocked: z =>
          z
            .boolean()
            .describe('True when a gate failed or a promotion is waiting')
            .optional(),
        created: z =>
          z
            .boolean()
            .describe(
              'True when this run created the promotion; false for a preview or an existing one',
            ),
      },
    },
    async handler(ctx) {
      const { from, to } = ctx.input;
      // A template passes an empty string when its version field is left empty.
      const version = ctx.input.version || undefined;
      const previewOnly = ctx.input.previewOnly ?? false;
      const waitFor = ctx.input.waitFor ?? 'none';
      let entity;
      try {
        entity = parseEntityRef(ctx.input.entityRef, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        });
      } catch (error) {
        throw new InputError(
          `entityRef: ${isError(error) ? error.message : String(error)}`,
        );
      }
      const entityRef = stringifyEntityRef(entity);
      const credentials = await ctx.getInitiatorCredentials();
      const api = new PromotionApi({
        baseUrl: await discovery.getBaseUrl('gitops'),
        entity,
        context: { entityRef, from, to, version },
        signal: ctx.signal,
        token: async () =>
          (
            await auth.getPluginRequestToken({
              onBehalfOf: credentials,
              targetPluginId: 'gitops',
            })
          ).token,
      });

      if (ctx.isDryRun || previewOnly) {
        const preview = await api.preview({ from, to, version });
        logPreview(ctx, preview);
        outputPreview(ctx, preview);
        ctx.logger.info(
          `${
            ctx.isDryRun ? 'Dry run' : 'Preview only'
          }: promotion of ${entityRef} ${preview.version} to ${to} not created`,
        );
        return;
      }

      const outcome = await ctx.checkpoint({
        key: `gitops.promote.${entityRef}.${from}.${to}.${
          version ?? 'current'
        }`,
        fn: async (): Promise<Outcome> => {
          const list = (await api.list()).items;
          if (version) {
            const existing = findInFlight(list, from, to, version);
            if (existing) return { promotion: existing, created: false };
          }
          let preview: PromotionPreview;
          try {
            preview = await api.preview({ from, to, version });
          } catch (error) {
            // `to` already runs the version: fine when a promotion of ours put it there.
            const landed =
              error instanceof ConflictError &&
              findLanded(list, from, to, version);
            if (landed) return { promotion: landed, created: false };
            throw error;
          }
          const existing = findInFlight(list, from, to, preview.version);
          if (existing) return { promotion: existing, created: false };
          logPreview(ctx, preview);
          if (preview.blocked) {
            throw new ConflictError(
              `Cannot promote ${entityRef} ${
                preview.version
              } from ${from} to ${to}: ${blockedReasons(preview)}`,
            );
          }
          const diff = joinDiff(preview);
          try {
            const promotion = await api.create({
              from,
              to,
              version: preview.version,
              previewId: preview.id,
            });
            return { promotion, created: true, diff };
          } catch (error) {
            // A concurrent run of the same step may have won the race.
            if (!(error instanceof ConflictError)) throw error;
            const raced = findInFlight(
              (await api.list()).items,
              from,
              to,
              preview.version,
            );
            if (raced) return { promotion: raced, created: false, diff };
            throw error;
          }
        },
      });

      let { promotion } = outcome;
      ctx.logger.info(
        outcome.created
          ? `Created promotion ${promotion.id} of ${entityRef} ${
              promotion.version
            } to ${to}: ${describe(promotion)}`
          : `Promotion ${promotion.id} of ${entityRef} ${
              promotion.version
            } to ${to} already exists (requested by ${
              promotion.requester
            }); not creating another: ${describe(promotion)}`,
      );
      outputRecord(ctx, promotion, outcome);

      if (waitFor !== 'none' && !REACHED[waitFor].includes(promotion.state)) {
        promotion = await waitForState(ctx, api, promotion, {
          waitFor,
          timeoutMs: (ctx.input.waitTimeoutSeconds ?? 600) * 1000,
          pollIntervalMs,
        });
        outputRecord(ctx, promotion, outcome);
      }
    },
  });
}

/** The part of the action context the helpers use. */
type PromoteContext = {
  logger: LoggerService;
  output(name: string, value: unknown): void;
  signal?: AbortSignal;
};

function findInFlight(
  list: PromotionRecord[],
  from: string,
  to: string,
  version: string,
): PromotionRecord | undefined {
  return list.find(
    p =>
      p.kind === 'promotion' &&
      p.from === from &&
      p.to === to &&
      p.version === version &&
      IN_FLIGHT.includes(p.state),
  );
}

/**
 * The promotion that put `to` where it is, when it is a promotion `from` → `to` (of `version`
 * when given): the newest landed or rolled-back change of `to` in the (newest first) list.
 */
function findLanded(
  list: PromotionRecord[],
  from: string,
  to: string,
  version: string | undefined,
): PromotionRecord | undefined {
  const latest = list.find(
    p => p.to === to && [...LANDED, 'rolled-back'].includes(p.state),
  );
  if (
    latest &&
    latest.kind === 'promotion' &&
    latest.from === from &&
    LANDED.includes(latest.state) &&
    (version === undefined || latest.version === version)
  ) {
    return latest;
  }
  return undefined;
}

function blockedReasons(preview: PromotionPreview): string {
  const reasons = preview.gates
    .filter(g => g.status === 'failed')
    .map(g => `gate ${g.gate} failed: ${g.message}`);
  if (preview.waiting) {
    reasons.push(
      `promotion ${preview.waiting.id} of ${preview.waiting.version} to ${preview.to} is waiting (${preview.waiting.state}, requested by ${preview.waiting.requester}); merge or close it first`,
    );
  }
  return reasons.join('; ') || 'blocked';
}

function joinDiff(preview: PromotionPreview): string {
  return preview.files.map(f => f.diff).join('');
}

function logGates(ctx: PromoteContext, gates: GateResult[]) {
  for (const g of gates) {
    const line = `Gate ${g.gate}: ${g.status}${
      g.message ? ` (${g.message})` : ''
    }`;
    if (g.status === 'failed') ctx.logger.warn(line);
    else ctx.logger.info(line);
  }
}

function logPreview(ctx: PromoteContext, preview: PromotionPreview) {
  ctx.logger.info(
    `Preview of ${preview.entityRef} ${preview.version} from ${
      preview.from
    } to ${preview.to} (${preview.to} runs ${
      preview.previousVersion ?? 'no version'
    }), mode ${preview.mode}${
      preview.approvalRequired ? ', needs the approval of another owner' : ''
    }`,
  );
  for (const file of preview.files) ctx.logger.info(file.diff);
  logGates(ctx, preview.gates);
  if (preview.blocked) {
    ctx.logger.warn(`Blocked: ${blockedReasons(preview)}`);
  }
}

function outputPreview(ctx: PromoteContext, preview: PromotionPreview) {
  ctx.output('id', preview.id);
  ctx.output('state', 'previewed');
  ctx.output('version', preview.version);
  if (preview.previousVersion) {
    ctx.output('previousVersion', preview.previousVersion);
  }
  ctx.output('mode', preview.mode);
  if (preview.branch) ctx.output('branch', preview.branch);
  ctx.output(
    'files',
    preview.files.map(f => f.path),
  );
  ctx.output('diff', joinDiff(preview));
  ctx.output('gates', preview.gates);
  ctx.output('blocked', preview.blocked);
  ctx.output('created', false);
}

function outputRecord(
  ctx: PromoteContext,
  promotion: PromotionRecord,
  outcome: Outcome,
) {
  ctx.output('id', promotion.id);
  ctx.output('state', promotion.state);
  ctx.output('version', promotion.version);
  if (promotion.previousVersion) {
    ctx.output('previousVersion', promotion.previousVersion);
  }
  ctx.output('mode', promotion.mode);
  if (promotion.commitSha) ctx.output('commitSha', promotion.commitSha);
  if (promotion.prUrl) ctx.output('pullRequestUrl', promotion.prUrl);
  if (promotion.branch) ctx.output('branch', promotion.branch);
  ctx.output('files', promotion.files);
  if (outcome.diff !== undefined) ctx.output('diff', outcome.diff);
  ctx.output('gates', promotion.gateResults);
  ctx.output('created', outcome.created);
}

function describe(p: PromotionRecord): string {
  const where = p.prUrl ?? p.branch ?? p.commitSha;
  return `${p.state}${where ? ` (${where})` : ''}${
    p.state === 'awaiting-approval'
      ? '; another owner of the service approves it in the GitOps tab'
      : ''
  }`;
}

async function waitForState(
  ctx: PromoteContext,
  api: PromotionApi,
  initial: PromotionRecord,
  options: {
    waitFor: 'committed' | 'synced';
    timeoutMs: number;
    pollIntervalMs: number;
  },
): Promise<PromotionRecord> {
  const deadline = Date.now() + options.timeoutMs;
  const id = initial.id;
  let current = initial;
  ctx.logger.info(
    `Waiting up to ${Math.round(options.timeoutMs / 1000)} s for promotion ${
      current.id
    } to be ${options.waitFor} (now ${current.state})`,
  );
  for (;;) {
    if (REACHED[options.waitFor].includes(current.state)) return current;
    if (FAILED.includes(current.state)) {
      throw new Error(
        `Promotion ${current.id} of ${current.entityRef} ${
          current.version
        } to ${current.to} is ${current.state}${
          current.error ? `: ${current.error}` : ''
        }`,
      );
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Timed out waiting for promotion ${current.id} to be ${options.waitFor}: it is ${current.state}; it stays, and running the step again waits for it again`,
      );
    }
    await sleep(
      Math.min(options.pollIntervalMs, Math.max(0, deadline - Date.now())),
      undefined,
      { signal: ctx.signal },
    );
    const next = (await api.list()).items.find(p => p.id === id);
    if (!next) {
      throw new Error(`Promotion ${current.id} is no longer listed`);
    }
    if (next.state !== current.state) {
      ctx.logger.info(`Promotion ${next.id} is ${describe(next)}`);
    }
    current = next;
  }
}
