import { SimApp, imageRef, namespaceOf, shortHash, uid } from './app';
import type { Desired } from './render';
import { Obj, fieldsV1, isObj } from './objectJson';

/**
 * The Kubernetes objects of a simulated application as the API server holds them: what git
 * renders (Service, Deployment, ConfigMap), the defaults the server fills in, status, managedFields.
 */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const TRACKING = 'argocd.argoproj.io/tracking-id';

export const groupOf = (apiVersion: string) =>
  apiVersion?.includes('/') ? apiVersion.split('/')[0] : '';
export const versionOf = (apiVersion: string) =>
  apiVersion?.split('/').slice(-1)[0] ?? 'v1';

/** Argo CD v3's default tracking: `<app>:<group>/<kind>:<namespace>/<name>`. */
export const trackingId = (app: SimApp, o: Obj) =>
  `${app.name}:${groupOf(o.apiVersion)}/${o.kind}:${
    o.metadata.namespace ?? ''
  }/${o.metadata.name}`;

/** The kinds tree.ts names uids by (the same uid in the tree and here). */
const UID_TAG: Record<string, string> = {
  Deployment: 'deploy',
  Service: 'svc',
  ConfigMap: 'cm',
};
export const objectUid = (ns: string, kind: string, name: string) =>
  uid(ns, UID_TAG[kind] ?? kind.toLowerCase(), name);

/**
 * What the repo-server renders for `d`, as Argo applies it: a Service, the Deployment (image,
 * replicas, resource requests) and `<service>-config`, in the destination namespace with the
 * tracking annotation. None without an image (nothing rendered).
 */
export function renderObjects(app: SimApp, d: Desired): Obj[] {
  if (!d.tag) return [];
  const ns = namespaceOf(app);
  const svc = app.service;
  const labels = { app: svc };
  const requests = {
    ...(d.cpu ? { cpu: d.cpu } : {}),
    ...(d.memory ? { memory: d.memory } : {}),
  };
  const objects: Obj[] = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: svc },
      spec: {
        selector: labels,
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      },
    },
    workload(d, svc, labels, requests),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${svc}-config` },
      data: { ENVIRONMENT: app.env, SERVICE_NAME: svc },
    },
  ];
  if (d.rollout?.analysisMetric)
    objects.push(analysisTemplate(svc, d.rollout.analysisMetric, ns));
  for (const o of objects) {
    o.metadata = { ...o.metadata, namespace: ns, labels: { ...labels } };
    o.metadata.annotations = { [TRACKING]: trackingId(app, o) };
  }
  return objects;
}

/** The Deployment, or the Argo Rollouts canary a chart renders in its place. */
function workload(
  d: Desired,
  svc: string,
  labels: Record<string, string>,
  requests: Record<string, string>,
): Obj {
  const spec: Obj = {
    replicas: d.replicas ?? 1,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: svc,
            image: imageRef(d, svc),
            ports: [{ name: 'http', containerPort: 8080 }],
            ...(Object.keys(requests).length
              ? { resources: { requests } }
              : {}),
          },
        ],
      },
    },
  };
  if (!d.rollout)
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: svc },
      spec,
    };
  spec.strategy = { canary: { steps: d.rollout.steps } };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: svc },
    spec,
  };
}

/** The `<service>-smoke` AnalysisTemplate: one web metric, measured once, no failure allowed. */
function analysisTemplate(svc: string, metric: string, ns: string): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: `${svc}-${metric}` },
    spec: {
      metrics: [
        {
          name: metric,
          count: 1,
          failureLimit: 0,
          successCondition: 'result == "ok"',
          provider: {
            web: {
              url: `http://${svc}.${ns}.svc/healthz`,
              jsonPath: '{$.status}',
            },
          },
        },
      ],
    },
  };
}

/** The workload kind an app's git renders: `Rollout` for a Rollout chart, else `Deployment`. */
export const workloadKind = (d: Desired) =>
  d.rollout ? 'Rollout' : 'Deployment';
export const workloadGroup = (d: Desired) =>
  d.rollout ? 'argoproj.io' : 'apps';

/** What the API server fills in when a Deployment, Service or container leaves it out. */
export function applyDefaults(o: Obj) {
  const spec = o.spec;
  if (!isObj(spec)) return;
  if (o.kind === 'Deployment') {
    spec.replicas ??= 1;
    spec.progressDeadlineSeconds ??= 600;
    spec.revisionHistoryLimit ??= 10;
    const strategy = (spec.strategy ??= {});
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      const ru = (strategy.rollingUpdate ??= {});
      ru.maxSurge ??= '25%';
      ru.maxUnavailable ??= '25%';
    }
    const template = (spec.template ??= {});
    template.metadata ??= {};
    if (!('creationTimestamp' in template.metadata))
      template.metadata.creationTimestamp = null;
    const pod = (template.spec ??= {});
    pod.dnsPolicy ??= 'ClusterFirst';
    pod.restartPolicy ??= 'Always';
    pod.schedulerName ??= 'default-scheduler';
    pod.securityContext ??= {};
    pod.terminationGracePeriodSeconds ??= 30;
    for (const c of pod.containers ?? []) {
      c.imagePullPolicy ??= /:latest$|^[^:]*$/.test(c.image ?? '')
        ? 'Always'
        : 'IfNotPresent';
      c.resources ??= {};
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      for (const p of c.ports ?? []) p.protocol ??= 'TCP';
    }
  } else if (o.kind === 'Service') {
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    spec.internalTrafficPolicy ??= 'Cluster';
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    for (const p of spec.ports ?? []) {
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
    }
  }
}

/** A Deployment's status as its controller reports it for the app's health. */
function deploymentStatus(o: Obj, health: string, at: string): Obj {
  const r = o.spec?.replicas ?? 1;
  const image = o.spec?.template?.spec?.containers?.[0]?.image ?? '';
  const rs = `${o.metadata.name}-${shortHash(image)}`;
  const cond = (
    type: string,
    ok: boolean,
    reason: string,
    message: string,
  ) => ({
    type,
    status: ok ? 'True' : 'False',
    reason,
    message,
    lastTransitionTime: at,
    lastUpdateTime: at,
  });
  const degraded = health === 'Degraded';
  const ready = degraded ? 0 : r;
  return {
    observedGeneration: o.metadata.generation ?? 1,
    replicas: r,
    updatedReplicas: r,
    ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}),
    ...(r - ready ? { unavailableReplicas: r - ready } : {}),
    conditions: [
      degraded
        ? cond(
            'Available',
            false,
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          )
        : cond(
            'Available',
            true,
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
          ),
      degraded
        ? cond(
            'Progressing',
            false,
            'ProgressDeadlineExceeded',
            `ReplicaSet "${rs}" has timed out progressing.`,
          )
        : cond(
            'Progressing',
            true,
            'NewReplicaSetAvailable',
            `ReplicaSet "${rs}" has successfully progressed.`,
          ),
    ],
  };
}

/** A live object's `status`, for the kinds that have one. */
export function statusOf(o: Obj, health: string, at: string): Obj | undefined {
  if (o.kind === 'Deployment') return deploymentStatus(o, health, at);
  if (o.kind === 'Service') return { loadBalancer: {} };
  return o.status;
}

export const managedFieldsEntry = (
  manager: string,
  operation: string,
  time: string,
  apiVersion: string,
  fields: Obj,
  subresource?: string,
) => ({
  apiVersion,
  fieldsType: 'FieldsV1',
  fieldsV1: fields,
  manager,
  operation,
  ...(subresource ? { subresource } : {}),
  time,
});

/** The fields a create or update of `o` sets (what its manager owns). */
export const ownedFields = (o: Obj) =>
  fieldsV1({
    metadata: {
      labels: o.metadata?.labels,
      annotations: o.metadata?.annotations,
    },
    ...Object.fromEntries(
      Object.entries(o).filter(
        ([k]) => !['apiVersion', 'kind', 'metadata', 'status'].includes(k),
      ),
    ),
  });

export const keyOf = (o: Obj) => ({
  group: groupOf(o.apiVersion),
  kind: o.kind as string,
  namespace: (o.metadata?.namespace ?? '') as string,
  name: o.metadata?.name as string,
});
