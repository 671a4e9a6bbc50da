import { z } from 'zod/v3';
import { InputError } from '@backstage/errors';
import { isValidCron } from './cron';
import { namespaceOf } from './render/naming';

/** A DNS-1123 label: what Kubernetes accepts as a namespace or Service name. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CPU = /^(\d+m|\d+(\.\d+)?)$/;
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

export type Hpa = { min: number; max: number; cpuPercent: number };
export type Resources = {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
};
export type Backup = { schedule: string; ttl: string };

/** The settings of one environment, after applying the policy defaults. */
export type EnvironmentConfig = {
  name: string;
  replicas: number;
  autoSync: boolean;
  hpa: Hpa | false;
  resources: Resources;
  logLevel: string;
  antiAffinity: boolean;
  backup: Backup | false;
};

const DAILY_BACKUP: Backup = { schedule: '0 2 * * *', ttl: '720h0m0s' };

/**
 * The policy table of /work/shared/gitops-practices.md (seed 002), used as defaults.
 * Unknown environment names get the dev policy.
 */
export const ENVIRONMENT_POLICY: Record<
  string,
  Omit<EnvironmentConfig, 'name'>
> = {
  dev: {
    replicas: 1,
    autoSync: true,
    hpa: false,
    resources: {
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
    },
    logLevel: 'debug',
    antiAffinity: false,
    backup: false,
  },
  staging: {
    replicas: 2,
    autoSync: true,
    hpa: { min: 2, max: 5, cpuPercent: 70 },
    resources: {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '400m', memory: '512Mi' },
    },
    logLevel: 'info',
    antiAffinity: false,
    backup: DAILY_BACKUP,
  },
  prod: {
    replicas: 3,
    autoSync: false,
    hpa: { min: 3, max: 10, cpuPercent: 70 },
    resources: {
      requests: { cpu: '200m', memory: '256Mi' },
      limits: { cpu: '1000m', memory: '1Gi' },
    },
    logLevel: 'warn',
    antiAffinity: true,
    backup: DAILY_BACKUP,
  },
};

type Z = typeof z;

const environmentSchema = (zz: Z) =>
  zz
    .object({
      name: zz
        .string({ description: 'Environment name, e.g. dev' })
        .regex(DNS_LABEL, 'must be a DNS-1123 label'),
      replicas: zz
        .number({ description: 'Deployment replicas' })
        .int()
        .min(0)
        .max(1000)
        .optional(),
      autoSync: zz
        .boolean({
          description: 'Argo CD automated sync with prune and selfHeal',
        })
        .optional(),
      hpa: zz
        .union([
          zz.literal(false),
          zz
            .object({
              min: zz.number().int().min(1),
              max: zz.number().int().min(1),
              cpuPercent: zz.number().int().min(1).max(100).default(70),
            })
            .strict(),
        ])
        .describe('HorizontalPodAutoscaler, or false for none')
        .optional(),
      resources: zz
        .object({
          requests: zz.object({
            cpu: zz.string().regex(CPU, 'must be a CPU quantity, e.g. 100m'),
            memory: zz
              .string()
              .regex(MEMORY, 'must be a memory quantity, e.g. 128Mi'),
          }),
          limits: zz.object({
            cpu: zz.string().regex(CPU, 'must be a CPU quantity, e.g. 400m'),
            memory: zz
              .string()
              .regex(MEMORY, 'must be a memory quantity, e.g. 512Mi'),
          }),
        })
        .optional(),
      logLevel: zz.enum(['trace', 'debug', 'info', 'warn', 'error']).optional(),
      antiAffinity: zz
        .boolean({ description: 'Spread pods over nodes' })
        .optional(),
      backup: zz
        .union([
          zz.literal(false),
          zz
            .object({
              schedule: zz
                .string()
                .refine(
                  isValidCron,
                  'must be a cron expression, e.g. 0 2 * * *',
                )
                .default(DAILY_BACKUP.schedule),
              ttl: zz
                .string()
                .regex(GO_DURATION, 'must be a duration, e.g. 720h0m0s')
                .default(DAILY_BACKUP.ttl),
            })
            .strict(),
        ])
        .describe('Velero schedule of the namespace, or false for none')
        .optional(),
    })
    .strict();

/** The input of `gitops:manifests:create`, as a zod schema (also used for its JSON schema). */
export const manifestsCreateInput = (
  zz: Z,
  mode: 'schema' | 'parse' = 'schema',
) =>
  zz
    .object({
      name: zz
        .string({ description: 'Service name, a DNS-1123 label' })
        .max(63)
        .regex(DNS_LABEL, 'must be a DNS-1123 label (a-z, 0-9 and -)'),
      description: zz.string().optional(),
      image: zz
        .string({
          description:
            'Image repository without tag, e.g. registry.example.com/payments-api',
        })
        .min(1)
        .refine(
          v => !/[@\s]/.test(v) && !/:[^/]*$/.test(v.replace(/^[^/]+\//, '')),
          'must be a repository without tag or digest',
        ),
      tag: zz
        .string({ description: 'Initial image tag of every environment' })
        .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be an image tag')
        .default('0.1.0'),
      port: zz
        .number({ description: 'Container port' })
        .int()
        .min(1)
        .max(65535)
        .default(8080),
      owner: zz
        .string({
          description: 'Owner entity ref, e.g. group:default/payments',
        })
        .min(1),
      system: zz.string().optional(),
      environments: zz
        .array(
          mode === 'schema'
            ? zz.union([zz.string(), environmentSchema(zz)])
            : // Parsing names first gives errors naming the field, e.g. environments.0.replicas.
              zz.preprocess(
                v => (typeof v === 'string' ? { name: v } : v),
                environmentSchema(zz),
              ),
        )
        .min(1)
        .default(['dev', 'staging', 'prod'])
        .describe(
          'Environments in promotion order: names, or objects overriding the policy defaults',
        ),
      layout: zz.enum(['kustomize', 'helm']).default('kustomize'),
      secrets: zz
        .object({
          provider: zz.enum(['external-secrets', 'sealed-secrets']),
          keys: zz
            .array(zz.string().regex(ENV_VAR, 'must be an env var name'))
            .min(1)
            .describe('Names of the secret keys (never values)'),
          store: zz
            .object({
              kind: zz
                .enum(['ClusterSecretStore', 'SecretStore'])
                .default('ClusterSecretStore'),
              name: zz.string().min(1).default('default'),
            })
            .default({}),
          remoteKeyPrefix: zz
            .string({
              description:
                'External Secrets remote key prefix; the key is <prefix>/<env>',
            })
            .optional(),
        })
        .strict()
        .optional(),
      costLabels: zz
        .object({
          team: zz.string().regex(LABEL_VALUE).max(63).optional(),
          app: zz.string().regex(LABEL_VALUE).max(63).optional(),
        })
        .strict()
        .default({}),
      argocd: zz
        .object({
          project: zz.string().regex(DNS_LABEL).default('default'),
          createProject: zz.boolean().default(false),
          namespace: zz.string().regex(DNS_LABEL).default('argocd'),
          server: zz.string().default('https://kubernetes.default.svc'),
          targetRevision: zz.string().default('main'),
        })
        .strict()
        .default({}),
      repoUrl: zz
        .string({ description: 'URL of the gitops repository' })
        .min(1),
      basePath: zz
        .string({ description: 'Folder inside the gitops repository' })
        .refine(
          v => !v.split('/').includes('..') && !v.startsWith('/'),
          'must be a relative path inside the repository',
        )
        .default(''),
      migration: zz
        .object({
          image: zz.string().optional(),
          tag: zz.string().optional(),
          command: zz.array(zz.string()).min(1),
        })
        .strict()
        .optional(),
      syncWaves: zz.boolean().default(true),
      targetPath: zz
        .string({ description: 'Workspace folder of the gitops repository' })
        .default('.'),
      catalogInfoPath: zz
        .string({
          description: 'Workspace path of the catalog-info.yaml written',
        })
        .default('catalog-info.yaml'),
      overwrite: zz
        .boolean({
          description:
            'Replace files of an existing service whose content differs (refused by default)',
        })
        .default(false),
    })
    .strict();

type ParsedInput = z.output<ReturnType<typeof manifestsCreateInput>>;

/** The input after validation and policy defaults. */
export type ServiceSpec = Omit<ParsedInput, 'environments'> & {
  environments: EnvironmentConfig[];
  team: string;
  app: string;
  basePrefix: string;
};

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map(i => `${i.path.join('.') || '(input)'}: ${i.message}`)
    .join('; ');
}

/** Parses with a zod schema, throwing an InputError naming each invalid field. */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new InputError(formatIssues(result.error));
  return result.data;
}

/** Validates the input of `gitops:manifests:create` and applies the policy defaults. */
export function resolveServiceSpec(input: unknown): ServiceSpec {
  const parsed = parseInput(manifestsCreateInput(z, 'parse'), input);
  const problems: string[] = [];
  const seen = new Set<string>();
  const environments = parsed.environments.map((entry, index) => {
    const override = typeof entry === 'string' ? { name: entry } : entry;
    if (seen.has(override.name)) {
      problems.push(
        `environments.${index}.name: duplicate environment '${override.name}'`,
      );
    }
    seen.add(override.name);
    const namespace = namespaceOf(parsed.name, override.name);
    if (namespace.length > 63) {
      problems.push(
        `environments.${index}.name: namespace '${namespace}' is longer than 63 characters`,
      );
    }
    const defaults =
      ENVIRONMENT_POLICY[override.name] ?? ENVIRONMENT_POLICY.dev;
    const config: EnvironmentConfig = {
      name: override.name,
      replicas: override.replicas ?? defaults.replicas,
      autoSync: override.autoSync ?? defaults.autoSync,
      hpa: override.hpa ?? defaults.hpa,
      resources: override.resources ?? defaults.resources,
      logLevel: override.logLevel ?? defaults.logLevel,
      antiAffinity: override.antiAffinity ?? defaults.antiAffinity,
      backup: override.backup ?? defaults.backup,
    };
    if (config.hpa && config.hpa.min > config.hpa.max) {
      problems.push(
        `environments.${index}.hpa: min (${config.hpa.min}) is greater than max (${config.hpa.max})`,
      );
    }
    return config;
  });
  if (problems.length) throw new InputError(problems.join('; '));
  const ownerName = parsed.owner.replace(/^[^:]*:/, '').replace(/^.*\//, '');
  const team = parsed.costLabels.team ?? ownerName;
  if (!LABEL_VALUE.test(team) || team.length > 63) {
    throw new InputError(
      `costLabels.team: '${team}' is not a valid label value, set costLabels.team`,
    );
  }
  const basePath = parsed.basePath.replace(/^\.\/?/, '').replace(/\/+$/, '');
  return {
    ...parsed,
    environments,
    team,
    app: parsed.costLabels.app ?? parsed.name,
    basePath,
    basePrefix: basePath ? `${basePath}/` : '',
  };
}
