import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, isError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PromotionPreview } from '@internal/backstage-plugin-gitops-common';
import { PromotionApi } from '../lib/promotionApi';
import { examples } from './environmentPromote.examples';
import { findInFlight, findLanded } from './environmentPromote.existing';
import {
  blockedReasons,
  describe,
  joinDiff,
  logPreview,
  Outcome,
  outputPreview,
  outputRecord,
} from './environmentPromote.report';
import { inputSchema, outputSchema } from './environmentPromote.schema';
import { REACHED, waitForState } from './environmentPromote.wait';

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
    schema: { input: inputSchema, output: outputSchema },
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
