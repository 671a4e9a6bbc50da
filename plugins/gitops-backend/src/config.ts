import type { RootConfigService } from '@backstage/backend-plugin-api';
import { DEFAULT_ENVIRONMENTS } from '@internal/backstage-plugin-gitops-common';
import { z } from 'zod';
import {
  promotionConfigSchema,
  promotionSettings,
  type PromotionSettings,
} from './promotion/policy';
import type { PullRequestsConfig } from './promotion/pullRequestProviderFor';
import {
  DEFAULT_PRODUCTION_ENVIRONMENTS,
  notificationsConfigSchema,
} from './notifications/config';
import { checkTlsConfig, tlsConfigFields } from './tlsConfig';

const nonEmpty = z.string().trim().min(1, 'must be a non-empty string');
const httpUrl = nonEmpty.refine(v => /^https?:\/\/[^\s]+$/i.test(v), {
  message: 'must be an http(s) URL',
});
const name = nonEmpty.regex(
  /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  'must contain only letters, digits, ".", "_" and "-"',
);

const argoInstanceSchema = z
  .object({
    name,
    url: httpUrl,
    webUrl: httpUrl.optional(),
    token: nonEmpty.optional(),
    username: nonEmpty.optional(),
    password: nonEmpty.optional(),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
    /** Cluster (cost / velero name) that in-cluster destinations of this instance run in. */
    cluster: name.optional(),
    /** Destination server URL or name → cluster name. */
    destinationClusters: z.record(z.string(), name).optional(),
    ...tlsConfigFields,
  })
  .superRefine((v, ctx) => {
    if (!v.token && !(v.username && v.password)) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: 'either token or username and password must be set',
      });
    }
    checkTlsConfig(v, v.insecureSkipTLSVerify, ctx);
  });

const costClusterSchema = z
  .object({
    name,
    type: z.enum(['kubecost', 'opencost']),
    url: httpUrl,
    currency: nonEmpty.default('USD'),
    labelKey: nonEmpty.default('app'),
    token: nonEmpty.optional(),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
    ...tlsConfigFields,
  })
  .superRefine((v, ctx) => checkTlsConfig(v, v.insecureSkipTLSVerify, ctx));

const veleroClusterSchema = z
  .object({
    name,
    kubeconfigPath: nonEmpty.optional(),
    url: httpUrl.optional(),
    token: nonEmpty.optional(),
    inCluster: z.boolean().optional(),
    namespace: nonEmpty.default('velero'),
    /** The older name of `insecureSkipTLSVerify`, still accepted. */
    skipTLSVerify: z.boolean().optional(),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
    ...tlsConfigFields,
  })
  .superRefine((v, ctx) => {
    if (
      v.skipTLSVerify !== undefined &&
      v.insecureSkipTLSVerify !== undefined &&
      v.skipTLSVerify !== v.insecureSkipTLSVerify
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['skipTLSVerify'],
        message:
          'skipTLSVerify is the older name of insecureSkipTLSVerify and says otherwise: set only insecureSkipTLSVerify',
      });
    }
    checkTlsConfig(
      v,
      v.insecureSkipTLSVerify ?? v.skipTLSVerify,
      ctx,
      v.insecureSkipTLSVerify === undefined && v.skipTLSVerify
        ? 'skipTLSVerify'
        : 'insecureSkipTLSVerify',
    );
    const ways = [v.kubeconfigPath, v.url, v.inCluster].filter(Boolean).length;
    if (ways !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['kubeconfigPath'],
        message:
          'exactly one of kubeconfigPath, url (with token) or inCluster must be set',
      });
    }
    if (v.url && !v.token) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: 'token is required with url',
      });
    }
  });

const uniqueNames = (items: Array<{ name: string }>, ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name)) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'name'],
        message: `duplicate name "${item.name}"`,
      });
    }
    seen.add(item.name);
  });
};

const windowSchema = nonEmpty.regex(
  /^(\d+[mhdw]|today|yesterday|week|lastweek|month|lastmonth)$/,
  'must be a duration like 7d or 24h, or today/week/month',
);

/**
 * Notifications read the production environments from `gitops.productionEnvironments`, unless
 * an older config still sets `gitops.notifications.productionEnvironments`.
 */
function withProductionEnvironments(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const block = raw as Record<string, unknown>;
  const notifications = block.notifications;
  if (
    block.productionEnvironments === undefined ||
    (notifications !== undefined &&
      (typeof notifications !== 'object' ||
        notifications === null ||
        'productionEnvironments' in notifications))
  ) {
    return raw;
  }
  return {
    ...block,
    notifications: {
      ...(notifications as object | undefined),
      productionEnvironments: block.productionEnvironments,
    },
  };
}

const gitopsConfigFields = z.object({
  environments: z
    .array(name)
    .min(1)
    .default([...DEFAULT_ENVIRONMENTS]),
  /** Environments that count as production: DORA figures, notifications' severities. */
  productionEnvironments: z
    .array(name)
    .min(1)
    .default([...DEFAULT_PRODUCTION_ENVIRONMENTS]),
  environmentLabel: nonEmpty.default('environment'),
  /** How often the annotated entities are read again from the catalog (a delta read). */
  catalogRefreshSeconds: z.number().int().min(1).max(3_600).default(30),
  /** How long a user's permission decisions are kept (the policy is asked once per user per this). */
  permissionCacheSeconds: z.number().int().min(0).max(3_600).default(10),
  argocd: z
    .object({
      instances: z
        .array(argoInstanceSchema)
        .superRefine(uniqueNames)
        .default([]),
      /** A full re-list this often while the application stream is healthy. */
      resyncMinutes: z.number().positive().max(1_440).default(10),
    })
    .default({ instances: [], resyncMinutes: 10 }),
  cost: z
    .object({
      window: windowSchema.default('7d'),
      /** Further windows the cost card offers; each is kept in the snapshot too. */
      windows: z.array(windowSchema).default(['30d']),
      /** How often cost totals are read (allocation data has hourly resolution at best). */
      refreshMinutes: z.number().positive().max(1_440).default(60),
      clusters: z.array(costClusterSchema).superRefine(uniqueNames).default([]),
    })
    .default({
      window: '7d',
      windows: ['30d'],
      refreshMinutes: 60,
      clusters: [],
    }),
  velero: z
    .object({
      rpoTargetHours: z.number().positive().optional(),
      clusters: z
        .array(veleroClusterSchema)
        .superRefine(uniqueNames)
        .default([]),
    })
    .default({ clusters: [] }),
  repository: z
    .object({
      url: nonEmpty,
      branch: nonEmpty.default('main'),
    })
    .optional(),
  /** Notifications to entity owners (Backstage's notifications backend). */
  notifications: notificationsConfigSchema.prefault({}),
  /** Promotions through the gitops repository (enabled when `repository` is set). */
  promotion: promotionConfigSchema
    .extend({
      /** Directory of this replica's clone (default: a new directory under the OS temp dir). */
      workDir: nonEmpty.optional(),
      /** Where pull requests are opened (see `pullRequestProviderFor`). */
      pullRequests: z
        .object({
          provider: z.enum(['github', 'branch']).optional(),
          repositoryUrl: httpUrl.optional(),
          mergeMethod: z.enum(['merge', 'squash', 'rebase']).optional(),
        })
        .optional(),
    })
    .optional(),
});

export const gitopsConfigSchema = z.preprocess(
  withProductionEnvironments,
  gitopsConfigFields,
);

/** Every cost window kept in the snapshot: the default first. */
export function costWindows(config: GitopsConfig): string[] {
  return [...new Set([config.cost.window, ...config.cost.windows])];
}

/** The typed `gitops` configuration block. */
export type GitopsConfig = z.infer<typeof gitopsConfigSchema>;
export type ArgoInstanceConfig = GitopsConfig['argocd']['instances'][number];
export type CostClusterConfig = GitopsConfig['cost']['clusters'][number];
export type VeleroClusterConfig = GitopsConfig['velero']['clusters'][number];

/** `gitops.argocd.instances[0].url` from a zod issue path. */
export function configKey(path: ReadonlyArray<PropertyKey>): string {
  let key = 'gitops';
  for (const part of path) {
    key += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  }
  return key;
}

/** Parses the `gitops` config block; throws an Error naming the first invalid key. */
export function parseGitopsConfig(raw: unknown): GitopsConfig {
  const result = gitopsConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const messages = result.error.issues.map(
      issue => `${configKey(issue.path)}: ${issue.message}`,
    );
    throw new Error(`Invalid gitops configuration: ${messages.join('; ')}`);
  }
  return result.data;
}

/** What promoting takes, from `gitops.promotion`, or undefined when no repository is configured. */
export type PromotionSetup = {
  repository: { url: string; branch: string };
  settings: PromotionSettings;
  workDir?: string;
  pullRequests?: PullRequestsConfig;
};

/**
 * The promotion settings of a parsed config (validated even without a repository, so a bad
 * `gitops.promotion` fails start-up); undefined when `gitops.repository` is not configured.
 */
export function promotionSetup(
  config: GitopsConfig,
): PromotionSetup | undefined {
  const { workDir, pullRequests, ...promotion } = config.promotion ?? {};
  const settings = promotionSettings(promotion, {
    environments: config.environments,
    branch: config.repository?.branch,
  });
  if (!config.repository) return undefined;
  return { repository: config.repository, settings, workDir, pullRequests };
}

/** Reads the `gitops` block of the app config. */
export function readGitopsConfig(config: RootConfigService): GitopsConfig {
  const block = config.getOptional('gitops');
  return parseGitopsConfig(block);
}
