/**
 * How Argo CD orders and runs the tasks of a sync (gitops-engine's sync tasks), for the
 * simulated operations: **phase first** (PreSync hooks → Sync-phase resources and Sync hooks →
 * PostSync hooks; SyncFail hooks only when the sync failed), then the wave
 * (`argocd.argoproj.io/sync-wave`, default 0), then the kind (configuration before workloads,
 * as Helm installs), then the name. Each (phase, wave) step is applied and must be healthy before
 * the next starts, so a PreSync hook runs before *every* Sync-phase resource whatever their waves.
 *
 * What can fail here: a Job (hook or not) whose pod reads a Secret that neither exists yet nor is
 * created by its own or an earlier step never starts (`CreateContainerConfigError`) and fails
 * once its deadline passes; the operation fails with it and nothing after that step is applied.
 * A Secret is created by a `Secret`, an `ExternalSecret` (its `spec.target.name`) or a
 * `SealedSecret` (its `spec.template.metadata.name`), as their controllers do.
 */

export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';

export interface Manifest {
  apiVersion?: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
  spec?: any;
  [key: string]: unknown;
}

export interface SyncTask {
  manifest: Manifest;
  phase: SyncPhase;
  wave: number;
  /** `argocd.argoproj.io/hook` (PreSync, Sync, PostSync, SyncFail), undefined for a resource. */
  hookType?: SyncPhase;
  deletePolicies: string[];
}

/** One entry of `operationState.syncResult.resources`. */
export interface SyncResourceResult {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status: 'Synced' | 'SyncFailed';
  message: string;
  hookType?: SyncPhase;
  hookPhase: 'Running' | 'Succeeded' | 'Failed';
  syncPhase: SyncPhase;
}

export interface SyncOutcome {
  phase: 'Succeeded' | 'Failed';
  message: string;
  resources: SyncResourceResult[];
}

const HOOK = 'argocd.argoproj.io/hook';
const WAVE = 'argocd.argoproj.io/sync-wave';
const DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
const PHASES: SyncPhase[] = ['PreSync', 'Sync', 'PostSync'];

/** Helm's install order, which gitops-engine uses within a wave; other kinds come after. */
const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];
const kindRank = (kind: string) => {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.length : i;
};

/** The tasks of a sync in the order Argo CD runs them (SyncFail hooks last: only on failure). */
export function planSync(manifests: Manifest[]): SyncTask[] {
  const tasks: SyncTask[] = [];
  for (const manifest of manifests) {
    const annotations = manifest.metadata.annotations ?? {};
    const hooks = (annotations[HOOK] ?? '')
      .split(',')
      .map(h => h.trim())
      .filter(Boolean);
    // `Skip` leaves the resource out of the sync.
    if (hooks.includes('Skip')) continue;
    const wave = Number.parseInt(annotations[WAVE] ?? '0', 10) || 0;
    const deletePolicies = (annotations[DELETE_POLICY] ?? '')
      .split(',')
      .map(p => p.trim())
      .filter(Boolean);
    const hookTypes = hooks.filter((h): h is SyncPhase =>
      [...PHASES, 'SyncFail'].includes(h),
    );
    if (hookTypes.length === 0) {
      tasks.push({ manifest, phase: 'Sync', wave, deletePolicies });
    }
    for (const hookType of hookTypes) {
      tasks.push({ manifest, phase: hookType, wave, hookType, deletePolicies });
    }
  }
  const phaseRank = (p: SyncPhase) =>
    p === 'SyncFail' ? PHASES.length : PHASES.indexOf(p);
  return tasks.sort(
    (a, b) =>
      phaseRank(a.phase) - phaseRank(b.phase) ||
      a.wave - b.wave ||
      kindRank(a.manifest.kind) - kindRank(b.manifest.kind) ||
      a.manifest.metadata.name.localeCompare(b.manifest.metadata.name),
  );
}

/** The Secret an object makes exist once applied (by itself or by its controller), if any. */
export function secretCreatedBy(m: Manifest): string | undefined {
  if (m.kind === 'Secret') return m.metadata.name;
  if (m.kind === 'ExternalSecret') {
    return m.spec?.target?.name ?? m.metadata.name;
  }
  if (m.kind === 'SealedSecret') {
    return m.spec?.template?.metadata?.name ?? m.metadata.name;
  }
  return undefined;
}

/** The pod spec a Job or Pod runs right away (other workloads retry and don't fail a sync). */
function podSpecThatMustStart(m: Manifest): any {
  if (m.kind === 'Job') return m.spec?.template?.spec;
  if (m.kind === 'Pod') return m.spec;
  return undefined;
}

/** Secrets a pod cannot start without (`optional: true` references left out). */
export function requiredSecrets(pod: any): string[] {
  const names = new Set<string>();
  const containers = [
    ...(pod?.initContainers ?? []),
    ...(pod?.containers ?? []),
  ];
  for (const c of containers) {
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref?.name && !ref.optional) names.add(ref.name);
    }
    for (const e of c.envFrom ?? []) {
      if (e.secretRef?.name && !e.secretRef.optional)
        names.add(e.secretRef.name);
    }
  }
  for (const v of pod?.volumes ?? []) {
    if (v.secret?.secretName && !v.secret.optional) {
      names.add(v.secret.secretName);
    }
  }
  return [...names];
}

/** A hook that ran reports Succeeded, an applied resource Running (as Argo CD's results do). */
function hookPhaseOf(
  t: SyncTask,
  ok: boolean,
): SyncResourceResult['hookPhase'] {
  if (!ok) return 'Failed';
  return t.hookType ? 'Succeeded' : 'Running';
}

const groupVersion = (apiVersion = 'v1') => {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/')
    : ['', apiVersion];
  return { group, version };
};

/**
 * Runs the tasks step by step against the Secrets that already exist in the destination
 * (`secrets`, which gains what this sync creates). The first failing step fails the
 * operation; the SyncFail hooks run then.
 */
export function runSync(
  tasks: SyncTask[],
  options: { namespace: string; secrets: Set<string> },
): SyncOutcome {
  const resources: SyncResourceResult[] = [];
  const result = (
    t: SyncTask,
    ok: boolean,
    message: string,
  ): SyncResourceResult => ({
    ...groupVersion(t.manifest.apiVersion),
    kind: t.manifest.kind,
    namespace: t.manifest.metadata.namespace ?? options.namespace,
    name: t.manifest.metadata.name,
    status: ok ? 'Synced' : 'SyncFailed',
    message,
    ...(t.hookType ? { hookType: t.hookType } : {}),
    hookPhase: hookPhaseOf(t, ok),
    syncPhase: t.phase,
  });
  const steps: SyncTask[][] = [];
  for (const t of tasks.filter(x => x.phase !== 'SyncFail')) {
    const last = steps[steps.length - 1];
    if (last && last[0].phase === t.phase && last[0].wave === t.wave) {
      last.push(t);
    } else steps.push([t]);
  }
  let failed: SyncTask | undefined;
  for (const step of steps) {
    // A step is applied together: what it creates is there for its own pods.
    for (const t of step) {
      const secret = secretCreatedBy(t.manifest);
      if (secret) options.secrets.add(secret);
    }
    for (const t of step) {
      const pod = podSpecThatMustStart(t.manifest);
      const missing = pod
        ? requiredSecrets(pod).find(s => !options.secrets.has(s))
        : undefined;
      const what = `${t.manifest.kind.toLowerCase()}.${
        groupVersion(t.manifest.apiVersion).group || 'core'
      }/${t.manifest.metadata.name}`;
      if (missing) {
        failed ??= t;
        resources.push(
          result(
            t,
            false,
            `pod of ${what} did not start: CreateContainerConfigError: secret "${missing}" not found; job was active longer than specified deadline`,
          ),
        );
      } else {
        resources.push(
          result(
            t,
            true,
            t.hookType ? `${what} completed` : `${what} configured`,
          ),
        );
      }
    }
    if (failed) break;
  }
  if (!failed) {
    return {
      phase: 'Succeeded',
      message: 'successfully synced (all tasks run)',
      resources,
    };
  }
  for (const t of tasks.filter(x => x.phase === 'SyncFail')) {
    resources.push(
      result(
        t,
        true,
        `${t.manifest.kind}/${t.manifest.metadata.name} completed`,
      ),
    );
  }
  const name = `${failed.manifest.kind}/${failed.manifest.metadata.name}`;
  return {
    phase: 'Failed',
    message: `one or more synchronization tasks completed unsuccessfully, reason: ${
      failed.hookType ? `${failed.hookType} hook ${name}` : name
    } failed`,
    resources,
  };
}
