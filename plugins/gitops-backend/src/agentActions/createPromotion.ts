import { gatesOutput } from './previewPromotion';
import { promotionContext, inInput, promotionInput } from './promotionInput';
import type { GitopsActionsDeps } from './shared';

/**
 * `gitops:create-promotion`: promotes a version to the next environment by a change of the
 * gitops repository (a commit, or a branch and pull request where an approval is needed), as
 * the create route: `gitops.promotion.create` checked with the user's credentials, audited.
 */
export function registerCreatePromotion(deps: GitopsActionsDeps) {
  deps.actionsRegistry.register({
    name: 'create-promotion',
    title: 'Promote a version to the next environment',
    description:
      "Promotes a catalog entity's version from one environment to the next: changes the version files of the gitops repository (a commit on the branch, or a branch and pull request where the environment needs an approval), which Argo CD then deploys. Refused when a gate fails, a promotion to that environment is waiting, or (with previewId) the target changed since the preview. Preview it first with preview-promotion. Needs the permission to promote the entity (gitops.promotion.create) and a signed-in user.",
    // A new version replaces the running one in an environment; a second call promotes again
    // (or is refused), it is no no-op.
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        promotionInput(z, deps.environments).extend({
          previewId: z
            .string()
            .optional()
            .describe(
              "A preview's id (preview-promotion): promote exactly it, only while the target is where the preview saw it",
            ),
        }),
      output: z =>
        z.object({
          id: z.string(),
          kind: z.string().describe('promotion or rollback'),
          entityRef: z.string(),
          from: z.string(),
          to: z.string(),
          version: z.string(),
          previousVersion: z.string().optional(),
          requester: z.string(),
          approver: z.string().optional(),
          state: z
            .string()
            .describe(
              'awaiting-approval, committed, pr-open, merged, synced, failed or rolled-back',
            ),
          mode: z.string().describe('commit or pull-request'),
          commitSha: z.string().optional(),
          prUrl: z.string().optional(),
          branch: z.string().optional(),
          gateResults: gatesOutput(z),
          files: z.array(z.string()),
          error: z.string().optional(),
          createdAt: z.string(),
          updatedAt: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      const { promotionService, context } = await promotionContext(
        deps,
        credentials,
        input,
      );
      const p = await deps.writes
        .create({
          context,
          promotionService,
          body: {
            from: input.from,
            to: input.to,
            version: input.version,
            previewId: input.previewId,
          },
        })
        .catch(inInput);
      return {
        output: {
          id: p.id,
          kind: p.kind,
          entityRef: p.entityRef,
          from: p.from,
          to: p.to,
          version: p.version,
          previousVersion: p.previousVersion,
          requester: p.requester,
          approver: p.approver,
          state: p.state,
          mode: p.mode,
          commitSha: p.commitSha,
          prUrl: p.prUrl,
          branch: p.branch,
          gateResults: p.gateResults.map(g => ({
            gate: g.gate,
            status: g.status,
            message: g.message,
          })),
          files: p.files,
          error: p.error,
          createdAt: p.createdAt,
          updatedAt: p.updatedAt,
        },
      };
    },
  });
}
