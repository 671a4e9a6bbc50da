import { stringify } from 'yaml';
import {
  ENV_POLICY,
  ENVIRONMENTS,
  Env,
  REGISTRY,
  SERVICES,
  ServiceSeed,
  Versions,
} from './layout';

export interface Registry {
  services: Record<
    string,
    Partial<
      Record<Env, { version: string; deployed_at: string; deployed_by: string }>
    >
  >;
}

const y = (v: unknown) => stringify(v, { lineWidth: 0 });

/**
 * Renders the whole seed tree (path → content) for a given version state. `memo` (one per
 * repository being written) keeps the files of inputs rendered before: a commit changes one
 * service, so the ~150 commits of the seed history render each service's files only when it does.
 */
export function renderTree(
  versions: Versions,
  repoURL: string,
  registry: Registry,
  memo = new Map<string, Record<string, string>>(),
): Record<string, string> {
  const once = (key: string, render: () => Record<string, string>) => {
    let files = memo.get(key);
    if (!files) memo.set(key, (files = render()));
    return files;
  };
  const files: Record<string, string> = {
    ...once(`apps:${repoURL}`, () => appFiles(repoURL)),
    'registry/versions.yaml': y(registry),
  };
  for (const svc of SERVICES) {
    const v = versions[svc.name] ?? {};
    Object.assign(
      files,
      once(`${svc.name}:${JSON.stringify(v)}`, () =>
        svc.kind === 'kustomize' ? kustomizeFiles(svc, v) : helmFiles(svc, v),
      ),
    );
  }
  return files;
}

/** What does not depend on versions: the README, app-of-apps, projects and child apps. */
function appFiles(repoURL: string): Record<string, string> {
  const files: Record<string, string> = {
    'README.md':
      `# gitops\n\nDeployment state for ${SERVICES.map(s => s.name).join(
        ', ',
      )}.\n` +
      'Argo CD app-of-apps: `argocd/root.yaml` owns `argocd/apps/*.yaml`.\n',
    'argocd/root.yaml': y(rootApp(repoURL)),
  };
  for (const project of new Set(SERVICES.map(s => s.project))) {
    files[`argocd/projects/${project}.yaml`] = y(appProject(project, repoURL));
  }
  for (const svc of SERVICES) {
    for (const env of ENVIRONMENTS) {
      files[`argocd/apps/${svc.name}-${env}.yaml`] = y(
        childApp(svc, env, repoURL),
      );
    }
  }
  return files;
}

/** AppProjects restrict source repos and destinations (seeds 002, 003); not read by the simulator. */
function appProject(name: string, repoURL: string) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name, namespace: 'argocd' },
    spec: {
      description: `Services of the ${name} team`,
      sourceRepos: [repoURL],
      destinations: SERVICES.filter(s => s.project === name).flatMap(s =>
        ENVIRONMENTS.map(env => ({
          server: 'https://kubernetes.default.svc',
          namespace: `${s.name}-${env}`,
        })),
      ),
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      roles: [
        {
          name: 'deployer',
          description: 'Sync and rollback',
          policies: [
            `p, proj:${name}:deployer, applications, sync, ${name}/*, allow`,
          ],
        },
      ],
    },
  };
}

function rootApp(repoURL: string) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: 'root',
      namespace: 'argocd',
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: 'default',
      source: {
        repoURL,
        path: 'argocd/apps',
        targetRevision: 'main',
        directory: { recurse: true },
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'argocd',
      },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
}

/** `spec.revisionHistoryLimit` of the seeded services' Applications (covers the backfill). */
export const SEEDED_REVISION_HISTORY_LIMIT = 100;

export function childApp(svc: ServiceSeed, env: Env, repoURL: string) {
  const policy = ENV_POLICY[env];
  const source: Record<string, unknown> =
    svc.kind === 'kustomize'
      ? {
          repoURL,
          path: `apps/${svc.name}/overlays/${env}`,
          targetRevision: 'main',
        }
      : {
          repoURL,
          path: `charts/${svc.name}`,
          targetRevision: 'main',
          helm: { valueFiles: [`values-${env}.yaml`] },
        };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${svc.name}-${env}`,
      namespace: 'argocd',
      labels: {
        'app.kubernetes.io/name': svc.name,
        'app.kubernetes.io/part-of': 'gitops-demo',
        app: svc.name,
        environment: env,
        team: svc.team,
      },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: svc.project,
      // Argo keeps 10 history entries by default; the team keeps its ~90 days of deployments.
      revisionHistoryLimit: SEEDED_REVISION_HISTORY_LIMIT,
      source,
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: `${svc.name}-${env}`,
      },
      syncPolicy: {
        ...(policy.automated
          ? { automated: { prune: true, selfHeal: true } }
          : {}),
        syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
        retry: {
          limit: 5,
          backoff: { duration: '5s', factor: 2, maxDuration: '3m' },
        },
      },
    },
  };
}

function securityContext() {
  return {
    runAsNonRoot: true,
    runAsUser: 1000,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
  };
}

function kustomizeFiles(
  svc: ServiceSeed,
  v: Partial<Record<Env, string>>,
): Record<string, string> {
  const base = `apps/${svc.name}/base`;
  const files: Record<string, string> = {
    [`${base}/kustomization.yaml`]: y({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      labels: [{ pairs: { app: svc.name }, includeSelectors: true }],
      resources: ['deployment.yaml', 'service.yaml'],
    }),
    [`${base}/deployment.yaml`]: y({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: svc.name },
      spec: {
        replicas: 1,
        // Explicit, so the base is a valid Deployment on its own (kustomize adds the same label).
        selector: { matchLabels: { app: svc.name } },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
        },
        template: {
          metadata: { labels: { app: svc.name } },
          spec: {
            containers: [
              {
                name: svc.name,
                image: `${REGISTRY}/${svc.name}:latest`,
                ports: [{ containerPort: svc.port }],
                securityContext: securityContext(),
              },
            ],
          },
        },
      },
    }),
    [`${base}/service.yaml`]: y({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: svc.name },
      spec: {
        selector: { app: svc.name },
        ports: [{ port: 80, targetPort: svc.port }],
      },
    }),
  };
  for (const env of ENVIRONMENTS) {
    const p = ENV_POLICY[env];
    files[`apps/${svc.name}/overlays/${env}/kustomization.yaml`] = y({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: `${svc.name}-${env}`,
      resources: ['../../base'],
      images: [{ name: `${REGISTRY}/${svc.name}`, newTag: v[env] ?? '0.0.0' }],
      replicas: [{ name: svc.name, count: p.replicas }],
      patches: [
        {
          target: { kind: 'Deployment', name: svc.name },
          patch: y([
            {
              op: 'add',
              path: '/spec/template/spec/containers/0/resources',
              value: {
                requests: { cpu: p.cpu, memory: p.memory },
                limits: { cpu: p.cpuLimit, memory: p.memoryLimit },
              },
            },
          ]),
        },
      ],
    });
  }
  return files;
}

/** The canary of the helm service's Rollout (the seeded dev app waits at the `pause: {}`). */
export const canarySteps = (service: string) => [
  { setWeight: 20 },
  { pause: {} },
  { setWeight: 50 },
  { analysis: { templates: [{ templateName: `${service}-smoke` }] } },
  { pause: { duration: '10m' } },
];

function helmFiles(
  svc: ServiceSeed,
  v: Partial<Record<Env, string>>,
): Record<string, string> {
  const dir = `charts/${svc.name}`;
  const files: Record<string, string> = {
    [`${dir}/Chart.yaml`]: y({
      apiVersion: 'v2',
      name: svc.name,
      version: '0.1.0',
      type: 'application',
    }),
    [`${dir}/values.yaml`]: y({
      replicaCount: 1,
      image: {
        repository: `${REGISTRY}/${svc.name}`,
        tag: 'latest',
        pullPolicy: 'IfNotPresent',
      },
      service: { port: svc.port },
      securityContext: securityContext(),
      rollout: { steps: canarySteps(svc.name) },
    }),
    // An Argo Rollouts canary instead of a Deployment; its steps come from values.yaml.
    [`${dir}/templates/rollout.yaml`]: [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Rollout',
      'metadata:',
      '  name: {{ .Chart.Name }}',
      'spec:',
      '  replicas: {{ .Values.replicaCount }}',
      '  selector:',
      '    matchLabels:',
      '      app: {{ .Chart.Name }}',
      '  template:',
      '    metadata:',
      '      labels:',
      '        app: {{ .Chart.Name }}',
      '    spec:',
      '      containers:',
      '        - name: {{ .Chart.Name }}',
      '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
      '          resources: {{- toYaml .Values.resources | nindent 12 }}',
      '  strategy:',
      '    canary:',
      '      steps: {{- toYaml .Values.rollout.steps | nindent 8 }}',
      '',
    ].join('\n'),
    [`${dir}/templates/analysistemplate.yaml`]: [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: AnalysisTemplate',
      'metadata:',
      '  name: {{ .Chart.Name }}-smoke',
      'spec:',
      '  metrics:',
      '    - name: smoke',
      '      count: 1',
      '      failureLimit: 0',
      '      successCondition: result == "ok"',
      '      provider:',
      '        web:',
      '          url: "http://{{ .Chart.Name }}.{{ .Release.Namespace }}.svc/healthz"',
      '          jsonPath: "{$.status}"',
      '',
    ].join('\n'),
  };
  for (const env of ENVIRONMENTS) {
    const p = ENV_POLICY[env];
    files[`${dir}/values-${env}.yaml`] = y({
      replicaCount: p.replicas,
      image: { tag: v[env] ?? '0.0.0' },
      resources: {
        requests: { cpu: p.cpu, memory: p.memory },
        limits: { cpu: p.cpuLimit, memory: p.memoryLimit },
      },
      logLevel: { dev: 'debug', staging: 'info', prod: 'warn' }[env],
    });
  }
  return files;
}
