import { SimApp, imageRef, namespaceOf, shortHash as short, uid } from './app';
import { extraNodes, liveReplicas } from './drift';
import { rolloutNodes } from './rollouts/tree';

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
  if (app.rollout)
    return withHosts([
      ...rolloutNodes(app, app.rollout, created),
      serviceNode(app),
      ...extraNodes(app),
    ]);
  const replicas = liveReplicas(app);
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
  return withHosts([
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
    serviceNode(app),
    ...extraNodes(app),
  ]);
}

function serviceNode(app: SimApp) {
  const ns = namespaceOf(app);
  return {
    version: 'v1',
    kind: 'Service',
    namespace: ns,
    name: app.service,
    uid: uid(ns, 'svc', app.service),
    health: { status: 'Healthy' },
    createdAt: app.obj.metadata.creationTimestamp,
    networkingInfo: { targetLabels: { app: app.service } },
  };
}

function withHosts(nodes: any[]) {
  return {
    nodes,
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
