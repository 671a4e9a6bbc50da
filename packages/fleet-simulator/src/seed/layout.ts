/**
 * The seed gitops repository: four services in three environments, kept as a list of
 * commits so the repository has a realistic history (authors, messages, dates, tags). These are
 * the newest ten days, which set the current state; backfill.ts generates the 80 days before.
 */
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Env = (typeof ENVIRONMENTS)[number];

export const REGISTRY = 'registry.example.com';

export interface ServiceSeed {
  name: string;
  kind: 'kustomize' | 'helm';
  team: string;
  project: string;
  port: number;
}

export const SERVICES: ServiceSeed[] = [
  {
    name: 'payments-api',
    kind: 'kustomize',
    team: 'payments',
    project: 'payments',
    port: 8080,
  },
  {
    name: 'chores-api',
    kind: 'kustomize',
    team: 'household',
    project: 'household',
    port: 8080,
  },
  {
    name: 'schedule-bot',
    kind: 'helm',
    team: 'household',
    project: 'household',
    port: 3000,
  },
  {
    name: 'payments-ledger',
    kind: 'kustomize',
    team: 'payments',
    project: 'payments',
    port: 8080,
  },
];

/** Seed 002's policy table, used for replicas/resources and the sync policy. */
export const ENV_POLICY: Record<
  Env,
  {
    replicas: number;
    cpu: string;
    cpuLimit: string;
    memory: string;
    memoryLimit: string;
    automated: boolean;
  }
> = {
  dev: {
    replicas: 1,
    cpu: '50m',
    cpuLimit: '200m',
    memory: '64Mi',
    memoryLimit: '256Mi',
    automated: true,
  },
  staging: {
    replicas: 2,
    cpu: '100m',
    cpuLimit: '400m',
    memory: '128Mi',
    memoryLimit: '512Mi',
    automated: true,
  },
  prod: {
    replicas: 3,
    cpu: '200m',
    cpuLimit: '1000m',
    memory: '256Mi',
    memoryLimit: '1Gi',
    automated: false,
  },
};

export type Versions = Record<string, Partial<Record<Env, string>>>;

export interface SeedCommit {
  hoursAgo: number;
  author: { name: string; email: string };
  message: string;
  set: Versions;
  tag?: string;
  /** Apps (`<service>-<env>`) whose Argo app did NOT sync this commit (manual prod waiting). */
  notDeployed?: string[];
  /** Apps whose Rollout canary of this commit still waits at its first `pause: {}`. */
  pausedCanary?: string[];
  /** Who synced the commit's manual (prod) apps, and when (default `admin`, 45 min later). */
  syncedBy?: { username: string; afterMinutes: number };
}

/**
 * An Argo CD rollback (`argocd app rollback`): the app redeploys the revision of its previous
 * history entry; git is left as it was, so the app is OutOfSync until a commit catches up.
 */
export interface SeedRollback {
  hoursAgo: number;
  rollback: string;
  username: string;
}

export type SeedEvent = SeedCommit | SeedRollback;

export const isRollback = (e: SeedEvent): e is SeedRollback => 'rollback' in e;

export const alice = { name: 'Alice Moreau', email: 'alice@example.com' };
export const bob = { name: 'Bob Okafor', email: 'bob@example.com' };
export const carol = { name: 'Carol Tan', email: 'carol@example.com' };
export const ci = { name: 'release-bot', email: 'release-bot@example.com' };

export const SEED_COMMITS: SeedCommit[] = [
  {
    hoursAgo: 240,
    author: alice,
    message:
      'Release train: payments-api 1.2.0, chores-api 2.0.0, schedule-bot 0.8.0, payments-ledger 0.4.0 to all environments',
    set: {
      'payments-api': { dev: '1.2.0', staging: '1.2.0', prod: '1.2.0' },
      'chores-api': { dev: '2.0.0', staging: '2.0.0', prod: '2.0.0' },
      'schedule-bot': { dev: '0.8.0', staging: '0.8.0', prod: '0.8.0' },
      'payments-ledger': { dev: '0.4.0', staging: '0.4.0', prod: '0.4.0' },
    },
  },
  {
    hoursAgo: 200,
    author: ci,
    message: 'payments-api: deploy 1.3.0 to dev and staging',
    set: { 'payments-api': { dev: '1.3.0', staging: '1.3.0' } },
  },
  {
    hoursAgo: 170,
    author: ci,
    message: 'chores-api: deploy 2.0.3 to dev and staging',
    set: { 'chores-api': { dev: '2.0.3', staging: '2.0.3' } },
  },
  {
    hoursAgo: 150,
    author: bob,
    message: 'Promote payments-api 1.3.0 and chores-api 2.0.3 to prod',
    set: { 'payments-api': { prod: '1.3.0' }, 'chores-api': { prod: '2.0.3' } },
    tag: 'release-2026.11.1',
  },
  {
    hoursAgo: 120,
    author: ci,
    message: 'schedule-bot: deploy 0.8.5 to all environments',
    set: { 'schedule-bot': { dev: '0.8.5', staging: '0.8.5', prod: '0.8.5' } },
  },
  {
    hoursAgo: 96,
    author: ci,
    message: 'payments-api: deploy 1.3.2 to staging, 1.4.0 to dev',
    set: { 'payments-api': { dev: '1.4.0', staging: '1.3.2' } },
  },
  {
    hoursAgo: 72,
    author: ci,
    message: 'schedule-bot: deploy 0.9.0 to dev',
    set: { 'schedule-bot': { dev: '0.9.0' } },
    pausedCanary: ['schedule-bot-dev'],
  },
  {
    hoursAgo: 48,
    author: ci,
    message: 'chores-api: deploy 2.1.0 to dev',
    set: { 'chores-api': { dev: '2.1.0' } },
  },
  {
    hoursAgo: 44,
    author: ci,
    message: 'payments-ledger: deploy 0.5.0 to dev',
    set: { 'payments-ledger': { dev: '0.5.0' } },
  },
  {
    hoursAgo: 26,
    author: alice,
    message: 'chores-api: promote 2.1.0-bad to staging',
    set: { 'chores-api': { staging: '2.1.0-bad' } },
  },
  {
    hoursAgo: 20,
    author: alice,
    message: 'payments-ledger: promote 0.5.0-bad to staging',
    set: { 'payments-ledger': { staging: '0.5.0-bad' } },
  },
  {
    hoursAgo: 3,
    author: carol,
    message:
      'payments-api: promote hotfix 1.3.1 to prod (awaiting manual sync)',
    set: { 'payments-api': { prod: '1.3.1' } },
    tag: 'release-2026.11.2',
    notDeployed: ['payments-api-prod'],
  },
];
