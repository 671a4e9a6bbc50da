import { GITOPS_ANNOTATIONS } from '@internal/backstage-plugin-gitops-common';
import { EnvironmentConfig, ServiceSpec } from './input';
import { Models } from './models';
import { toYaml } from './yaml';
import { HELM_TEMPLATES } from './helmTemplates';
import { vendoredCrdValidators } from './crdSchema';

/** The finalizer that makes Argo CD delete an app's resources with the app. */
export const ARGOCD_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const WAVE = 'argocd.argoproj.io/sync-wave';
const UID = 1000;

/** One generated object, with the workspace-relative file it is written to (if any). */
export type GeneratedObject = {
  /** File the object is written to; for Helm, the chart template that renders it. */
  file: string;
  object: { apiVersion: string; kind: string; [key: string]: unknown };
};

/** Everything `gitops:manifests:create` writes, before touching the workspace. */
export type RenderedService = {
  /** Path (relative to the gitops repo root) → content. */
  files: Map<string, string>;
  /** Every Kubernetes object built and validated, per environment for the workloads. */
  objects: GeneratedObject[];
  /** Names of the Argo CD Applications, in environment order. */
  applications: string[];
  /** Repo paths of the Application manifests. */
  applicationFiles: string[];
  /** `gitops/repo-path` of the service. */
  repoPath: string;
  /** The catalog entity (written to `catalogInfoPath`). */
  catalogInfo: string;
};

/** A validation error of a generated object, naming the file. */
export class GeneratedObjectError extends Error {
  constructor(file: string, kind: string, detail: string) {
    super(`${file}: ${kind} is invalid: ${detail}`);
    this.name = 'GeneratedObjectError';
  }
}

function validateModel(
  file: string,
  model: { validate(): void; kind?: string },
) {
  try {
    model.validate();
  } catch (e) {
    throw new GeneratedObjectError(
      file,
      String(model.kind),
      (e as Error).message.replace(/\bdata\//g, '').replace(/\//g, '.'),
    );
  }
}

const selectorLabels = (spec: ServiceSpec) => ({
  'app.kubernetes.io/name': spec.name,
});

/** Labels of every object: selector label plus the cost-allocation labels. */
function labels(spec: ServiceSpec, env?: string): Record<string, string> {
  return {
    ...selectorLabels(spec),
    app: spec.app,
    team: spec.team,
    ...(env ? { environment: env } : {}),
  };
}

function wave(spec: ServiceSpec, value: string) {
  return spec.syncWaves ? { annotations: { [WAVE]: value } } : {};
}

const secretName = (spec: ServiceSpec) => `${spec.name}-secrets`;

function podSecurityContext() {
  return {
    runAsNonRoot: true,
    runAsUser: UID,
    runAsGroup: UID,
    fsGroup: UID,
    seccompProfile: { type: 'RuntimeDefault' as const },
  };
}

function containerSecurityContext() {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: UID,
    capabilities: { drop: ['ALL'] },
  };
}

function secretEnv(spec: ServiceSpec) {
  return (spec.secrets?.keys ?? []).map(key => ({
    name: key,
    valueFrom: { secretKeyRef: { name: secretName(spec), key } },
  }));
}

function probes() {
  return {
    readinessProbe: {
      tcpSocket: { port: 'http' },
      initialDelaySeconds: 5,
      periodSeconds: 10,
    },
    livenessProbe: {
      tcpSocket: { port: 'http' },
      initialDelaySeconds: 15,
      periodSeconds: 20,
    },
  };
}

const STRATEGY = {
  type: 'RollingUpdate' as const,
  rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
};

function antiAffinity(spec: ServiceSpec) {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: { matchLabels: selectorLabels(spec) },
          },
        },
      ],
    },
  };
}

const tmpVolume = {
  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
};

/**
 * The Deployment: the base one without `env`, or the one an environment runs (what its
 * overlay or values file produces).
 */
function deployment(m: Models, spec: ServiceSpec, env?: EnvironmentConfig) {
  return new m.Deployment({
    metadata: {
      name: spec.name,
      labels: labels(spec, env?.name),
      ...wave(spec, '2'),
    },
    spec: {
      replicas: env?.replicas ?? 1,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(spec) },
      strategy: STRATEGY,
      template: {
        metadata: { labels: labels(spec, env?.name) },
        spec: {
          serviceAccountName: spec.name,
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          ...(env?.antiAffinity ? { affinity: antiAffinity(spec) } : {}),
          containers: [
            {
              name: spec.name,
              image: `${spec.image}:${spec.tag}`,
              imagePullPolicy: 'IfNotPresent',
              ports: [
                { name: 'http', containerPort: spec.port, protocol: 'TCP' },
              ],
              env: [
                { name: 'LOG_LEVEL', value: env?.logLevel ?? 'info' },
                ...secretEnv(spec),
              ],
              ...probes(),
              ...(env ? { resources: env.resources } : {}),
              securityContext: containerSecurityContext(),
              ...tmpVolume,
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  });
}

function migrationImage(spec: ServiceSpec) {
  return spec.migration?.image ?? spec.image;
}

function migrationJob(m: Models, spec: ServiceSpec, env?: EnvironmentConfig) {
  const migration = spec.migration!;
  const env_ = secretEnv(spec);
  return new m.Job({
    metadata: {
      name: `${spec.name}-migrate`,
      labels: labels(spec, env?.name),
      annotations: {
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        ...(spec.syncWaves ? { [WAVE]: '1' } : {}),
      },
    },
    spec: {
      backoffLimit: 1,
      template: {
        metadata: { labels: labels(spec, env?.name) },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: spec.name,
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          containers: [
            {
              name: 'migrate',
              image: `${migrationImage(spec)}:${migration.tag ?? spec.tag}`,
              command: migration.command,
              ...(env_.length ? { env: env_ } : {}),
              securityContext: containerSecurityContext(),
              ...tmpVolume,
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  });
}

function service(m: Models, spec: ServiceSpec, env?: string) {
  return new m.Service({
    metadata: {
      name: spec.name,
      labels: labels(spec, env),
      ...wave(spec, '2'),
    },
    spec: {
      selector: selectorLabels(spec),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  });
}

function serviceAccount(m: Models, spec: ServiceSpec, env?: string) {
  return new m.ServiceAccount({
    metadata: {
      name: spec.name,
      labels: labels(spec, env),
      ...wave(spec, '0'),
    },
    automountServiceAccountToken: false,
  });
}

function networkPolicy(m: Models, spec: ServiceSpec, env?: string) {
  return new m.NetworkPolicy({
    metadata: {
      name: spec.name,
      labels: labels(spec, env),
      ...wave(spec, '0'),
    },
    spec: {
      podSelector: { matchLabels: selectorLabels(spec) },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: {} }],
          ports: [{ port: spec.port, protocol: 'TCP' }],
        },
      ],
    },
  });
}

function pdb(m: Models, spec: ServiceSpec, env?: string) {
  return new m.PodDisruptionBudget({
    metadata: {
      name: spec.name,
      labels: labels(spec, env),
      ...wave(spec, '2'),
    },
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(spec) },
    },
  });
}

function hpa(m: Models, spec: ServiceSpec, env: EnvironmentConfig) {
  if (!env.hpa) return undefined;
  return new m.HorizontalPodAutoscaler({
    metadata: {
      name: spec.name,
      labels: labels(spec, env.name),
      ...wave(spec, '2'),
    },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: spec.name,
      },
      minReplicas: env.hpa.min,
      maxReplicas: env.hpa.max,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: {
              type: 'Utilization',
              averageUtilization: env.hpa.cpuPercent,
            },
          },
        },
      ],
    },
  });
}

function remoteKey(spec: ServiceSpec, env: string) {
  return `${spec.secrets?.remoteKeyPrefix ?? spec.name}/${env}`;
}

function secretObject(m: Models, spec: ServiceSpec, env: string) {
  const secrets = spec.secrets;
  if (!secrets) return undefined;
  const metadata = {
    name: secretName(spec),
    labels: labels(spec, env),
    ...wave(spec, '0'),
  };
  if (secrets.provider === 'external-secrets') {
    return new m.ExternalSecret({
      metadata,
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: secrets.store.kind, name: secrets.store.name },
        target: { name: secretName(spec), creationPolicy: 'Owner' },
        data: secrets.keys.map(key => ({
          secretKey: key,
          remoteRef: { key: remoteKey(spec, env), property: key },
        })),
      },
    });
  }
  // Sealed values are encrypted per namespace with the cluster's key (kubeseal); the scaffolder
  // never sees a value, so the SealedSecret starts empty and lists the keys to seal.
  return new m.SealedSecret({
    metadata: {
      ...metadata,
      namespace: `${spec.name}-${env}`,
      annotations: {
        ...metadata.annotations,
        'gitops.example.com/keys-to-seal': secrets.keys.join(','),
      },
    },
    spec: {
      encryptedData: {},
      template: {
        metadata: { name: secretName(spec), namespace: `${spec.name}-${env}` },
        type: 'Opaque',
      },
    },
  });
}

function sourcePath(spec: ServiceSpec, env: string) {
  return spec.layout === 'kustomize'
    ? `${spec.basePrefix}apps/${spec.name}/overlays/${env}`
    : `${spec.basePrefix}charts/${spec.name}`;
}

function application(m: Models, spec: ServiceSpec, env: EnvironmentConfig) {
  const source =
    spec.layout === 'kustomize'
      ? {
          repoURL: spec.repoUrl,
          path: sourcePath(spec, env.name),
          targetRevision: spec.argocd.targetRevision,
        }
      : {
          repoURL: spec.repoUrl,
          path: sourcePath(spec, env.name),
          targetRevision: spec.argocd.targetRevision,
          helm: { valueFiles: [`values-${env.name}.yaml`] },
        };
  return new m.Application({
    metadata: {
      name: `${spec.name}-${env.name}`,
      namespace: spec.argocd.namespace,
      labels: {
        'app.kubernetes.io/name': spec.name,
        app: spec.name,
        environment: env.name,
        team: spec.team,
      },
      finalizers: [ARGOCD_FINALIZER],
    },
    spec: {
      project: spec.argocd.project,
      source,
      destination: {
        server: spec.argocd.server,
        namespace: `${spec.name}-${env.name}`,
      },
      syncPolicy: {
        ...(env.autoSync ? { automated: { prune: true, selfHeal: true } } : {}),
        syncOptions: [
          'CreateNamespace=true',
          'PruneLast=true',
          ...(env.hpa ? ['RespectIgnoreDifferences=true'] : []),
        ],
        managedNamespaceMetadata: {
          labels: { app: spec.app, team: spec.team, environment: env.name },
        },
        retry: {
          limit: 5,
          backoff: { duration: '5s', factor: 2, maxDuration: '3m' },
        },
      },
      ...(env.hpa
        ? {
            ignoreDifferences: [
              {
                group: 'apps',
                kind: 'Deployment',
                name: spec.name,
                jsonPointers: ['/spec/replicas'],
              },
            ],
          }
        : {}),
    },
  });
}

function appProject(m: Models, spec: ServiceSpec) {
  return new m.AppProject({
    metadata: {
      name: spec.argocd.project,
      namespace: spec.argocd.namespace,
      labels: { team: spec.team },
    },
    spec: {
      description: `Applications of team ${spec.team}`,
      sourceRepos: [spec.repoUrl],
      destinations: [
        { server: spec.argocd.server, namespace: `${spec.name}-*` },
      ],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    },
  });
}

function veleroSchedule(spec: ServiceSpec, env: EnvironmentConfig) {
  if (!env.backup) return undefined;
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Schedule',
    metadata: {
      name: `${spec.name}-${env.name}`,
      namespace: 'velero',
      labels: { app: spec.app, team: spec.team, environment: env.name },
    },
    spec: {
      schedule: env.backup.schedule,
      useOwnerReferencesInBackup: false,
      template: {
        includedNamespaces: [`${spec.name}-${env.name}`],
        ttl: env.backup.ttl,
        snapshotVolumes: true,
      },
    },
  };
}

function kustomization(fields: Record<string, unknown>) {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...fields,
  };
}

function images(spec: ServiceSpec) {
  const list = [{ name: spec.image, newTag: spec.tag }];
  if (spec.migration && migrationImage(spec) !== spec.image) {
    list.push({
      name: migrationImage(spec),
      newTag: spec.migration.tag ?? spec.tag,
    });
  }
  return list;
}

/** Builds every file of the service, validating each object; touches nothing. */
export function renderService(m: Models, spec: ServiceSpec): RenderedService {
  const files = new Map<string, string>();
  const objects: GeneratedObject[] = [];
  const p = spec.basePrefix;

  const crds = vendoredCrdValidators();
  const checkCrd = (file: string, object: GeneratedObject['object']) => {
    const errors =
      crds.get(`${object.apiVersion}/${object.kind}`)?.validate(object) ?? [];
    if (errors.length) {
      throw new GeneratedObjectError(
        file,
        object.kind,
        errors.map(e => `${e.field} ${e.message}`).join(', '),
      );
    }
  };
  const add = (
    file: string,
    model: { validate(): void; toJSON(): unknown; kind: string },
    write = true,
  ) => {
    validateModel(file, model);
    const object = model.toJSON() as GeneratedObject['object'];
    checkCrd(file, object);
    objects.push({ file, object });
    if (write) files.set(file, toYaml(object));
  };

  if (spec.layout === 'kustomize') {
    const base = `${p}apps/${spec.name}/base`;
    const baseResources = [
      'serviceaccount.yaml',
      'networkpolicy.yaml',
      'service.yaml',
      'deployment.yaml',
      'pdb.yaml',
    ];
    add(`${base}/serviceaccount.yaml`, serviceAccount(m, spec));
    add(`${base}/networkpolicy.yaml`, networkPolicy(m, spec));
    add(`${base}/service.yaml`, service(m, spec));
    add(`${base}/deployment.yaml`, deployment(m, spec));
    add(`${base}/pdb.yaml`, pdb(m, spec));
    if (spec.migration) {
      add(`${base}/migration-job.yaml`, migrationJob(m, spec));
      baseResources.push('migration-job.yaml');
    }
    files.set(
      `${base}/kustomization.yaml`,
      toYaml(kustomization({ resources: baseResources })),
    );

    for (const env of spec.environments) {
      const dir = `${p}apps/${spec.name}/overlays/${env.name}`;
      const resources = ['../../base'];
      // The objects this overlay renders, validated as the environment runs them.
      add(`${dir}/kustomization.yaml`, deployment(m, spec, env), false);
      const autoscaler = hpa(m, spec, env);
      if (autoscaler) {
        add(`${dir}/hpa.yaml`, autoscaler);
        resources.push('hpa.yaml');
      }
      const secret = secretObject(m, spec, env.name);
      if (secret) {
        const file =
          secret.kind === 'ExternalSecret'
            ? 'externalsecret.yaml'
            : 'sealedsecret.yaml';
        add(`${dir}/${file}`, secret);
        resources.push(file);
      }
      const ops: unknown[] = [
        {
          op: 'add',
          path: '/spec/template/spec/containers/0/resources',
          value: env.resources,
        },
        {
          op: 'replace',
          path: '/spec/template/spec/containers/0/env/0',
          value: { name: 'LOG_LEVEL', value: env.logLevel },
        },
      ];
      if (env.antiAffinity) {
        ops.push({
          op: 'add',
          path: '/spec/template/spec/affinity',
          value: antiAffinity(spec),
        });
      }
      files.set(
        `${dir}/kustomization.yaml`,
        toYaml(
          kustomization({
            namespace: `${spec.name}-${env.name}`,
            resources,
            labels: [
              {
                pairs: { environment: env.name },
                includeSelectors: false,
                includeTemplates: true,
              },
            ],
            images: images(spec),
            replicas: [{ name: spec.name, count: env.replicas }],
            patches: [
              {
                target: {
                  group: 'apps',
                  version: 'v1',
                  kind: 'Deployment',
                  name: spec.name,
                },
                patch: toYaml(ops),
              },
            ],
          }),
        ),
      );
    }
  } else {
    const chart = `${p}charts/${spec.name}`;
    files.set(
      `${chart}/Chart.yaml`,
      toYaml({
        apiVersion: 'v2',
        name: spec.name,
        description: spec.description ?? `Helm chart of ${spec.name}`,
        type: 'application',
        version: '0.1.0',
        appVersion: spec.tag,
      }),
    );
    files.set(
      `${chart}/values.yaml`,
      toYaml({
        image: {
          repository: spec.image,
          tag: spec.tag,
          pullPolicy: 'IfNotPresent',
        },
        replicaCount: 1,
        containerPort: spec.port,
        service: { port: 80 },
        labels: { app: spec.app, team: spec.team },
        environment: '',
        logLevel: 'info',
        strategy: STRATEGY,
        podSecurityContext: podSecurityContext(),
        securityContext: containerSecurityContext(),
        ...probes(),
        resources: {},
        autoscaling: {
          enabled: false,
          minReplicas: 1,
          maxReplicas: 1,
          targetCPUUtilizationPercentage: 70,
        },
        antiAffinity: false,
        syncWaves: spec.syncWaves,
        secrets: {
          provider: spec.secrets?.provider ?? '',
          name: secretName(spec),
          keys: spec.secrets?.keys ?? [],
          store: spec.secrets?.store ?? {
            kind: 'ClusterSecretStore',
            name: 'default',
          },
          remoteKey: '',
        },
        migration: spec.migration
          ? {
              enabled: true,
              image: {
                repository: migrationImage(spec),
                tag: spec.migration.tag ?? '',
              },
              command: spec.migration.command,
            }
          : { enabled: false, image: { repository: '', tag: '' }, command: [] },
      }),
    );
    for (const [template, text] of Object.entries(HELM_TEMPLATES)) {
      files.set(`${chart}/templates/${template}`, text);
    }
    for (const env of spec.environments) {
      const t = (name: string) => `${chart}/templates/${name}`;
      // What the chart renders for this environment, built and validated as objects.
      add(t('serviceaccount.yaml'), serviceAccount(m, spec, env.name), false);
      add(t('networkpolicy.yaml'), networkPolicy(m, spec, env.name), false);
      add(t('service.yaml'), service(m, spec, env.name), false);
      add(t('deployment.yaml'), deployment(m, spec, env), false);
      add(t('pdb.yaml'), pdb(m, spec, env.name), false);
      const autoscaler = hpa(m, spec, env);
      if (autoscaler) add(t('hpa.yaml'), autoscaler, false);
      const secret = secretObject(m, spec, env.name);
      if (secret) {
        add(
          t(
            secret.kind === 'ExternalSecret'
              ? 'externalsecret.yaml'
              : 'sealedsecret.yaml',
          ),
          secret,
          false,
        );
      }
      if (spec.migration) {
        add(t('migration-job.yaml'), migrationJob(m, spec, env), false);
      }
      files.set(
        `${chart}/values-${env.name}.yaml`,
        toYaml({
          environment: env.name,
          replicaCount: env.replicas,
          image: { tag: spec.tag },
          resources: env.resources,
          logLevel: env.logLevel,
          autoscaling: env.hpa
            ? {
                enabled: true,
                minReplicas: env.hpa.min,
                maxReplicas: env.hpa.max,
                targetCPUUtilizationPercentage: env.hpa.cpuPercent,
              }
            : { enabled: false },
          antiAffinity: env.antiAffinity,
          ...(spec.secrets?.provider === 'external-secrets'
            ? { secrets: { remoteKey: remoteKey(spec, env.name) } }
            : {}),
        }),
      );
    }
  }

  const applications: string[] = [];
  const applicationFiles: string[] = [];
  for (const env of spec.environments) {
    const app = application(m, spec, env);
    const file = `${p}argocd/apps/${spec.name}-${env.name}.yaml`;
    add(file, app);
    applications.push(app.metadata.name!);
    applicationFiles.push(file);

    const schedule = veleroSchedule(spec, env);
    if (schedule) {
      const scheduleFile = `${p}backup/${spec.name}-${env.name}-schedule.yaml`;
      checkCrd(scheduleFile, schedule);
      objects.push({ file: scheduleFile, object: schedule });
      files.set(scheduleFile, toYaml(schedule));
    }
  }
  if (spec.argocd.createProject) {
    add(`${p}argocd/projects/${spec.argocd.project}.yaml`, appProject(m, spec));
  }

  const repoPath =
    spec.layout === 'kustomize'
      ? `${p}apps/${spec.name}`
      : `${p}charts/${spec.name}`;
  const catalogInfo = toYaml({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: spec.name,
      ...(spec.description ? { description: spec.description } : {}),
      annotations: {
        [GITOPS_ANNOTATIONS.argoAppSelector]: `app=${spec.name}`,
        ...(spec.argocd.project !== 'default'
          ? { [GITOPS_ANNOTATIONS.argoProjectName]: spec.argocd.project }
          : {}),
        [GITOPS_ANNOTATIONS.repoPath]: repoPath,
        [GITOPS_ANNOTATIONS.versionSource]: spec.layout,
        [GITOPS_ANNOTATIONS.costLabelSelector]: `app=${spec.app}`,
      },
      tags: ['gitops', spec.layout],
    },
    spec: {
      type: 'service',
      lifecycle: 'experimental',
      owner: spec.owner,
      ...(spec.system ? { system: spec.system } : {}),
    },
  });

  return {
    files,
    objects,
    applications,
    applicationFiles,
    repoPath,
    catalogInfo,
  };
}
