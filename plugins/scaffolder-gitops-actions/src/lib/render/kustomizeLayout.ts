/*
 * The Kustomize layout: `apps/<name>/base/` with the shared objects, and one overlay per
 * environment (namespace, image tag, replicas, a JSON patch with the environment's resources,
 * log level and anti-affinity, plus its HPA and secret). Each overlay's Deployment is also
 * built and validated as the environment runs it.
 */
import type { EnvironmentConfig, ServiceSpec } from '../input';
import type { Models } from '../models';
import { toYaml } from '../yaml';
import { hpa, pdb } from './availability';
import type { RenderCollector } from './collector';
import { namespaceOf, servicePath, sourcePath } from './naming';
import { networkPolicy, service } from './network';
import { antiAffinity } from './podSpec';
import { secretFile, secretObject } from './secrets';
import {
  deployment,
  migrationImage,
  migrationJob,
  migrationTag,
  serviceAccount,
} from './workloads';

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
    list.push({ name: migrationImage(spec), newTag: migrationTag(spec) });
  }
  return list;
}

/** The JSON patch an overlay applies to the base Deployment. */
function deploymentPatch(spec: ServiceSpec, env: EnvironmentConfig) {
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
  return ops;
}

function renderBase(m: Models, spec: ServiceSpec, out: RenderCollector) {
  const base = `${servicePath(spec)}/base`;
  const resources = [
    'serviceaccount.yaml',
    'networkpolicy.yaml',
    'service.yaml',
    'deployment.yaml',
    'pdb.yaml',
  ];
  out.add(`${base}/serviceaccount.yaml`, serviceAccount(m, spec));
  out.add(`${base}/networkpolicy.yaml`, networkPolicy(m, spec));
  out.add(`${base}/service.yaml`, service(m, spec));
  out.add(`${base}/deployment.yaml`, deployment(m, spec));
  out.add(`${base}/pdb.yaml`, pdb(m, spec));
  if (spec.migration) {
    out.add(`${base}/migration-job.yaml`, migrationJob(m, spec));
    resources.push('migration-job.yaml');
  }
  out.write(`${base}/kustomization.yaml`, toYaml(kustomization({ resources })));
}

function renderOverlay(
  m: Models,
  spec: ServiceSpec,
  env: EnvironmentConfig,
  out: RenderCollector,
) {
  const dir = sourcePath(spec, env.name);
  const resources = ['../../base'];
  // The objects this overlay renders, validated as the environment runs them.
  out.add(`${dir}/kustomization.yaml`, deployment(m, spec, env), false);
  const autoscaler = hpa(m, spec, env);
  if (autoscaler) {
    out.add(`${dir}/hpa.yaml`, autoscaler);
    resources.push('hpa.yaml');
  }
  const secret = secretObject(m, spec, env.name);
  if (secret) {
    const file = secretFile(secret);
    out.add(`${dir}/${file}`, secret);
    resources.push(file);
  }
  out.write(
    `${dir}/kustomization.yaml`,
    toYaml(
      kustomization({
        namespace: namespaceOf(spec.name, env.name),
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
            patch: toYaml(deploymentPatch(spec, env)),
          },
        ],
      }),
    ),
  );
}

/** Renders the base and every environment's overlay into `out`. */
export function renderKustomizeLayout(
  m: Models,
  spec: ServiceSpec,
  out: RenderCollector,
) {
  renderBase(m, spec, out);
  for (const env of spec.environments) renderOverlay(m, spec, env, out);
}
