import { promotionContext, inInput, promotionInput } from './promotionInput';
import type { GitopsActionsDeps, Zod } from './shared';

export const gatesOutput = (z: Zod) =>
  z.array(
    z.object({
      gate: z.string().describe('source-healthy, smoke or approval'),
      status: z.string().describe('passed, failed, pending or skipped'),
      message: z.string(),
    }),
  );

/**
 * `gitops:preview-promotion`: what a promotion would change in the gitops repository (a unified
 * diff per file) and how its gates stand, stored as a preview `create-promotion` can promote
 * exactly. `gitops.promotion.create` is checked and the preview audited, as the preview route.
 */
export function registerPreviewPromotion(deps: GitopsActionsDeps) {
  deps.actionsRegistry.register({
    name: 'preview-promotion',
    title: 'Preview a GitOps promotion',
    description:
      "Shows what promoting a catalog entity's version from one environment to the next would change: the files of the gitops repository with a unified diff each, the version and the one it replaces, the gates (source healthy, smoke, approval) and whether the promotion is blocked. Nothing changes in git or in a cluster; the preview is kept so that create-promotion can promote exactly it (pass its id as previewId). Needs the permission to promote the entity (gitops.promotion.create) and a signed-in user.",
    // It changes neither git nor a cluster: only a preview record is kept (and audited).
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z => promotionInput(z, deps.environments),
      output: z =>
        z.object({
          id: z
            .string()
            .describe(
              'The preview id: pass it to create-promotion as previewId',
            ),
          entityRef: z.string(),
          from: z.string(),
          to: z.string(),
          version: z.string(),
          previousVersion: z.string().optional(),
          mode: z.string().describe('commit or pull-request'),
          branch: z.string().optional(),
          baseSha: z.string(),
          files: z.array(z.object({ path: z.string(), diff: z.string() })),
          gates: gatesOutput(z),
          approvalRequired: z.boolean(),
          waiting: z
            .object({
              id: z.string(),
              version: z.string(),
              state: z.string(),
              requester: z.string(),
            })
            .optional()
            .describe(
              'A promotion to the same environment waiting in a pull request',
            ),
          blocked: z
            .boolean()
            .describe(
              'A gate failed or a promotion is waiting: create would refuse',
            ),
        }),
    },
    action: async ({ input, credentials }) => {
      const { promotionService, context } = await promotionContext(
        deps,
        credentials,
        input,
      );
      const p = await deps.writes
        .preview({
          context,
          promotionService,
          body: { from: input.from, to: input.to, version: input.version },
        })
        .catch(inInput);
      return {
        output: {
          id: p.id,
          entityRef: p.entityRef,
          from: p.from,
          to: p.to,
          version: p.version,
          previousVersion: p.previousVersion,
          mode: p.mode,
          branch: p.branch,
          baseSha: p.baseSha,
          files: p.files.map(f => ({ path: f.path, diff: f.diff })),
          gates: p.gates.map(g => ({
            gate: g.gate,
            status: g.status,
            message: g.message,
          })),
          approvalRequired: p.approvalRequired,
          waiting: p.waiting && {
            id: p.waiting.id,
            version: p.waiting.version,
            state: p.waiting.state,
            requester: p.waiting.requester,
          },
          blocked: p.blocked,
        },
      };
    },
  });
}
