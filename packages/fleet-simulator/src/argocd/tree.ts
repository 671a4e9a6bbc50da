import { createHash } from 'node:crypto';
import { SimApp, imageRef, namespaceOf, uid } from './app';

const short = (s: string, n = 10) =>
  createHash('sha1').update(s).digest('hex').slice(0, n);

/** `GET .../resource-tree`: Deployment → ReplicaSet → Pods, plus the Service. */
export function resourceTree(app: SimApp) {
  const ns = namespaceOf(app);
  if (!app.live.tag) return { nodes: [] as any[], hosts: [] as any[] };
  const created =
    app.obj.status.history?.slice(-1)[0]?.deployedAt ??
    app.obj.metadata.creationTimestamp;
  const image = imageRef(app.live, app.service)!;
  const health = app.obj.status.health;
  const depRef = {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    namespace: ns,
    name: app.service,
    uid: uid(ns, 'deploy', app.service),
  };
  const rsName = `${app.service}-${short(image)}`;
  const rsRef = {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    namespace: ns,
    name: rsName,
    uid: uid(ns, 'rs', rsName),
  };
  const replicas = app.live.replicas ?? 1;
  const pods = Array.from({ length: replicas }, (_, i) => {
    const name = `${rsName}-${short(`${rsName}${i}`, 5)}`;
    const podHealth =
      health.status === 'Degraded'
        ? { status: 'Degraded', message: 'Back-off pulling image' }
        : {
            status: health.status === 'Progressing' ? 'Progressing' : 'Healthy',
          };
    return {
      version: 'v1',
      kind: 'Pod',
      namespace: ns,
      name,
      uid: uid(ns, 'pod', name),
      parentRefs: [rsRef],
      info: [
        {
          name: 'Status Reason',
          value:
            podHealth.status === 'Degraded' ? 'ImagePullBackOff' : 'Running',
        },
        {
          name: 'Containers',
          value: podHealth.status === 'Healthy' ? '1/1' : '0/1',
        },
      ],
      images: [image],
      health: podHealth,
      createdAt: created,
      resourceVersion: String(1000 + i),
    };
  });
  return {
    nodes: [
      {
        ...depRef,
        health: {
          status: health.status,
          ...(health.message ? { message: health.message } : {}),
        },
        createdAt: app.obj.metadata.creationTimestamp,
        resourceVersion: app.obj.metadata.resourceVersion,
        info: [
          {
            name: 'Revision',
            value: `Rev:${app.obj.status.history?.length ?? 1}`,
          },
        ],
      },
      {
        ...rsRef,
        parentRefs: [depRef],
        health: {
          status: health.status === 'Degraded' ? 'Degraded' : 'Healthy',
        },
        createdAt: created,
        resourceVersion: app.obj.metadata.resourceVersion,
        info: [{ name: 'Revision', value: 'Rev:1' }],
      },
      ...pods,
      {
        version: 'v1',
        kind: 'Service',
        namespace: ns,
        name: app.service,
        uid: uid(ns, 'svc', app.service),
        health: { status: 'Healthy' },
        createdAt: app.obj.metadata.creationTimestamp,
        networkingInfo: { targetLabels: { app: app.service } },
      },
    ],
    hosts: [
      {
        name: 'node-a',
        resourcesInfo: [],
        systemInfo: {
          architecture: 'amd64',
          operatingSystem: 'linux',
          kubeletVersion: 'v1.30.4',
        },
      },
    ],
  };
}

/** `GET .../managed-resources`: live vs target state as JSON strings, like Argo's diff view. */
export function managedResourceDiffs(app: SimApp) {
  const ns = namespaceOf(app);
  const deployment = (tag?: string) =>
    tag === undefined
      ? 'null'
      : JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: app.service,
            namespace: ns,
            labels: { app: app.service },
          },
          spec: {
            replicas: app.desired.replicas ?? 1,
            template: {
              spec: {
                containers: [
                  {
                    name: app.service,
                    image: imageRef({ ...app.desired, tag }, app.service),
                  },
                ],
              },
            },
          },
        });
  const service = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app.service, namespace: ns },
    spec: { ports: [{ port: 80 }] },
  });
  const modified = app.live.tag !== app.desired.tag;
  return {
    items: [
      {
        kind: 'Service',
        namespace: ns,
        name: app.service,
        liveState: app.live.tag ? service : 'null',
        targetState: service,
        normalizedLiveState: app.live.tag ? service : 'null',
        predictedLiveState: service,
        modified: !app.live.tag,
        hook: false,
      },
      {
        group: 'apps',
        kind: 'Deployment',
        namespace: ns,
        name: app.service,
        liveState: deployment(app.live.tag),
        targetState: deployment(app.desired.tag),
        normalizedLiveState: deployment(app.live.tag),
        predictedLiveState: deployment(app.desired.tag),
        modified,
        hook: false,
      },
    ],
  };
}
