/*
 * The input and output fields of `gitops:environment:promote`, apart from the action so its
 * handler reads on its own; also the source of the action's JSON schema.
 */
import type { z } from 'zod/v3';

type Zod = typeof z;

export const inputSchema = {
  entityRef: (zz: Zod) =>
    zz
      .string({
        description:
          'The service, e.g. component:default/payments-api (kind defaults to component, namespace to default)',
      })
      .min(1),
  from: (zz: Zod) =>
    zz
      .string({ description: 'The environment promoted from, e.g. dev' })
      .min(1),
  to: (zz: Zod) =>
    zz
      .string({
        description:
          'The environment promoted to; must follow `from` in the promotion order',
      })
      .min(1),
  version: (zz: Zod) =>
    zz
      .string({
        description:
          'The version to promote; absent or empty: the version `from` runs',
      })
      .optional(),
  previewOnly: (zz: Zod) =>
    zz
      .boolean({
        description:
          'Only preview (diff and gates), create nothing; dry runs always do this',
      })
      .default(false),
  waitFor: (zz: Zod) =>
    zz
      .enum(['none', 'committed', 'synced'], {
        description:
          'Wait until the promotion landed in git (`committed`; for a pull request: approved and merged) or runs Synced and Healthy in `to` (`synced`)',
      })
      .default('none'),
  waitTimeoutSeconds: (zz: Zod) =>
    zz
      .number({
        description:
          'How long `waitFor` waits before failing (the promotion stays; retrying waits again)',
      })
      .int()
      .min(1)
      .max(3600)
      .default(600),
};

export const outputSchema = {
  id: (zz: Zod) =>
    zz
      .string()
      .describe('The promotion id (the preview id when only previewing)'),
  state: (zz: Zod) =>
    zz
      .string()
      .describe(
        'previewed, awaiting-approval, committed, pr-open, merged or synced',
      ),
  version: (zz: Zod) => zz.string().describe('The version promoted'),
  previousVersion: (zz: Zod) =>
    zz.string().describe('The version `to` ran before').optional(),
  mode: (zz: Zod) => zz.string().describe('commit or pull-request'),
  commitSha: (zz: Zod) =>
    zz
      .string()
      .describe('The commit that landed (or the branch commit)')
      .optional(),
  pullRequestUrl: (zz: Zod) =>
    zz.string().describe('The pull request to approve').optional(),
  branch: (zz: Zod) =>
    zz.string().describe('The pull request branch').optional(),
  files: (zz: Zod) =>
    zz.array(zz.string()).describe('Paths of the files changed'),
  diff: (zz: Zod) =>
    zz
      .string()
      .describe('The unified diff previewed (absent for an existing promotion)')
      .optional(),
  gates: (zz: Zod) =>
    zz
      .array(
        zz.object({
          gate: zz.string(),
          status: zz.string(),
          message: zz.string(),
        }),
      )
      .describe('The gate results'),
  blocked: (zz: Zod) =>
    zz
      .boolean()
      .describe('True when a gate failed or a promotion is waiting')
      .optional(),
  created: (zz: Zod) =>
    zz
      .boolean()
      .describe(
        'True when this run created the promotion; false for a preview or an existing one',
      ),
};
