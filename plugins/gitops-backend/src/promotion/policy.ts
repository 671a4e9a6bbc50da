import { DEFAULT_ENVIRONMENTS } from '@internal/backstage-plugin-gitops-common';
import { z } from 'zod';
import type { GitAuthor } from './GitRepository';
import type { PromotionMode } from './types';
import { DEFAULT_REGISTRY_PATH } from './versionFiles';

/** What promoting into an environment takes. */
export type EnvironmentPolicy = {
  /** `commit`: straight onto the branch; `pull-request`: a branch + PR merged on approval. */
  mode: PromotionMode;
  /** An owner of the entity other than the requester must approve (four eyes). */
  approval: boolean;
  /** The source environment must run the version, Synced and Healthy. */
  requireSourceHealthy: boolean;
  /**
   * An HTTP GET that must answer 2xx before promoting into this environment. `{service}`,
   * `{from}`, `{to}` and `{version}` in the URL are replaced.
   */
  smokeCheck?: { url: string; timeoutMs: number };
};

export type PromotionSettings = {
  /** Promotion order, e.g. dev → staging → prod (the `gitops.environments` list). */
  environments: string[];
  policies: Record<string, EnvironmentPolicy>;
  registryPath: string;
  branch: string;
  lockTtlMs: number;
  lockWaitMs: number;
  /** Committer of promotion commits; the author is the requesting user. */
  committer: GitAuthor;
};

const policySchema = z.object({
  mode: z.enum(['commit', 'pull-request']).optional(),
  approval: z.boolean().optional(),
  requireSourceHealthy: z.boolean().optional(),
  smokeCheck: z
    .object({
      url: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL'),
      timeoutMs: z.number().int().positive().max(120_000).optional(),
    })
    .optional(),
});

/** The `gitops.promotion` config block. */
export const promotionConfigSchema = z.object({
  registryPath: z.string().min(1).optional(),
  lockTtlSeconds: z.number().int().positive().max(3600).optional(),
  lockWaitSeconds: z.number().min(0).max(600).optional(),
  committer: z
    .object({ name: z.string().min(1), email: z.string().min(3) })
    .optional(),
  environments: z.record(z.string(), policySchema).optional(),
});

export type PromotionConfig = z.infer<typeof promotionConfigSchema>;

/**
 * Settings from the `gitops.promotion` block. By default the last environment of the order
 * (prod) takes a pull request and an approval; the others take a direct commit. Every
 * environment after the first requires the source to run the version Synced + Healthy.
 */
export function promotionSettings(
  raw: unknown,
  options: { environments?: readonly string[]; branch?: string } = {},
): PromotionSettings {
  const parsed = promotionConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `Invalid gitops configuration: gitops.promotion.${issue.path.join(
        '.',
      )}: ${issue.message}`,
    );
  }
  const config = parsed.data;
  const environments = [...(options.environments ?? DEFAULT_ENVIRONMENTS)];
  for (const name of Object.keys(config.environments ?? {})) {
    if (!environments.includes(name)) {
      throw new Error(
        `Invalid gitops configuration: gitops.promotion.environments.${name}: not one of gitops.environments (${environments.join(
          ', ',
        )})`,
      );
    }
  }
  const last = environments[environments.length - 1];
  const policies: Record<string, EnvironmentPolicy> = {};
  for (const env of environments) {
    const c = config.environments?.[env] ?? {};
    const gated = env === last && environments.length > 1;
    const approval = c.approval ?? (gated && c.mode !== 'commit');
    const mode = c.mode ?? (gated || approval ? 'pull-request' : 'commit');
    if (approval && mode === 'commit') {
      throw new Error(
        `Invalid gitops configuration: gitops.promotion.environments.${env}: an approval needs mode pull-request (a direct commit cannot wait for it)`,
      );
    }
    policies[env] = {
      mode,
      approval,
      requireSourceHealthy: c.requireSourceHealthy ?? true,
      smokeCheck: c.smokeCheck
        ? { url: c.smokeCheck.url, timeoutMs: c.smokeCheck.timeoutMs ?? 5000 }
        : undefined,
    };
  }
  return {
    environments,
    policies,
    registryPath: config.registryPath ?? DEFAULT_REGISTRY_PATH,
    branch: options.branch ?? 'main',
    lockTtlMs: (config.lockTtlSeconds ?? 120) * 1000,
    lockWaitMs: (config.lockWaitSeconds ?? 15) * 1000,
    committer: config.committer ?? {
      name: 'Backstage GitOps',
      email: 'gitops@backstage.local',
    },
  };
}
