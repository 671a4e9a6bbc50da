/*
 * The Helm layout: `charts/<name>/` with Chart.yaml, values.yaml, one values-<env>.yaml per
 * environment and the static templates of helmTemplates.ts. What the chart renders for each
 * environment is also built and validated as objects (not written: the templates are).
 */
import type { EnvironmentConfig, ServiceSpec } from '../input';
import type { Models } from '../models';
import { HELM_TEMPLATES } from '../helmTemplates';
import { toYaml } from '../yaml';
import { hpa, pdb } from './availability';
import type { RenderCollector } from './collector';
import { secretName, servicePath } from './naming';
import { networkPolicy, service } from './network';
import {
  STRATEGY,
  containerSecurityContext,
  podSecurityContext,
  probes,
} from './podSpec';
import { remoteKey, secretFile, secretObject } from './secrets';
import {
  deployment,
  migrationImage,
  migrationJob,
  serviceAccount,
} from './workloads';

function chartYaml(spec: ServiceSpec) {
  return {
    apiVersion: 'v2',
    name: spec.name,
    description: spec.description ?? `Helm chart of ${spec.name}`,
    type: 'application',
    version: '0.1.0',
    appVersion: spec.tag,
  };
}

/** The chart's defaults; every environment overrides some in its values file. */
function values(spec: ServiceSpec) {
  return {
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
  };
}

function environmentValues(spec: ServiceSpec, env: EnvironmentConfig) {
  return {
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
  };
}

/** What the chart renders for one environment, validated under the template names. */
function addRenderedObjects(
  m: Models,
  spec: ServiceSpec,
  env: EnvironmentConfig,
  out: RenderCollector,
) {
  const t = (name: string) => `${servicePath(spec)}/templates/${name}`;
  out.add(t('serviceaccount.yaml'), serviceAccount(m, spec, env.name), false);
  out.add(t('networkpolicy.yaml'), networkPolicy(m, spec, env.name), false);
  out.add(t('service.yaml'), service(m, spec, env.name), false);
  out.add(t('deployment.yaml'), deployment(m, spec, env), false);
  out.add(t('pdb.yaml'), pdb(m, spec, env.name), false);
  const autoscaler = hpa(m, spec, env);
  if (autoscaler) out.add(t('hpa.yaml'), autoscaler, false);
  const secret = secretObject(m, spec, env.name);
  if (secret) out.add(t(secretFile(secret)), secret, false);
  if (spec.migration) {
    out.add(t('migration-job.yaml'), migrationJob(m, spec, env), false);
  }
}

/** Renders the chart and every environment's values file into `out`. */
export function renderHelmChart(
  m: Models,
  spec: ServiceSpec,
  out: RenderCollector,
) {
  const chart = servicePath(spec);
  out.write(`${chart}/Chart.yaml`, toYaml(chartYaml(spec)));
  out.write(`${chart}/values.yaml`, toYaml(values(spec)));
  for (const [template, text] of Object.entries(HELM_TEMPLATES)) {
    out.write(`${chart}/templates/${template}`, text);
  }
  for (const env of spec.environments) {
    addRenderedObjects(m, spec, env, out);
    out.write(
      `${chart}/values-${env.name}.yaml`,
      toYaml(environmentValues(spec, env)),
    );
  }
}
