import { SimApp, namespaceOf, shortHash, uid } from '../app';
import { RolloutState, replicaSetsOf } from './model';
import { analysisRunHealth, rolloutHealth, rolloutStatus } from './status';

/**
 * Resource-tree nodes of a Rollout app: the Rollout, its stable and canary ReplicaSets (named
 * `<rollout>-<pod-template-hash>`) with their pods, and its AnalysisRuns.
 */
export function rolloutNodes(app: SimApp, r: RolloutState, created: string) {
  const ns = namespaceOf(app);
  const status = rolloutStatus(app, r);
  const rolloutRef = {
    group: 'argoproj.io',
    version: 'v1alpha1',
    kind: 'Rollout',
    namespace: ns,
    name: app.service,
    uid: uid(ns, 'rollout', app.service),
  };
  const nodes: any[] = [
    {
      ...rolloutRef,
      health: rolloutHealth(status, r.generation),
      createdAt: app.obj.metadata.creationTimestamp,
      resourceVersion: app.obj.metadata.resourceVersion,
      info: [{ name: 'Revision', value: `Rev:${r.current.revision}` }],
    },
  ];
  for (const rs of replicaSetsOf(r)) {
    const name = `${app.service}-${rs.hash}`;
    const rsRef = {
      group: 'apps',
      version: 'v1',
      kind: 'ReplicaSet',
      namespace: ns,
      name,
      uid: uid(ns, 'rs', name),
    };
    nodes.push({
      ...rsRef,
      parentRefs: [rolloutRef],
      health:
        rs.pods && !rs.ready
          ? { status: 'Progressing', message: 'Waiting for rollout to finish' }
          : { status: 'Healthy' },
      createdAt: 'createdAt' in rs ? rs.createdAt : created,
      info: [{ name: 'Revision', value: `Rev:${rs.revision}` }],
      networkingInfo: { labels: { 'rollouts-pod-template-hash': rs.hash } },
    });
    const bad = !rs.ready && r.readyAt === undefined;
    // A pod of a ReplicaSet that is ready runs; one whose image cannot be pulled backs off.
    const pod = podState(rs.ready, bad);
    for (let i = 0; i < rs.pods; i++) {
      const podName = `${name}-${shortHash(`${name}${i}`, 5)}`;
      nodes.push({
        version: 'v1',
        kind: 'Pod',
        namespace: ns,
        name: podName,
        uid: uid(ns, 'pod', podName),
        parentRefs: [rsRef],
        images: [rs.image],
        health: pod.health,
        info: [
          { name: 'Status Reason', value: pod.reason },
          { name: 'Containers', value: rs.ready ? '1/1' : '0/1' },
        ],
        createdAt: 'createdAt' in rs ? rs.createdAt : created,
        resourceVersion: String(1000 + i),
      });
    }
  }
  for (const run of r.analysisRuns) {
    nodes.push({
      group: 'argoproj.io',
      version: 'v1alpha1',
      kind: 'AnalysisRun',
      namespace: ns,
      name: run.name,
      uid: uid(ns, 'analysisrun', run.name),
      parentRefs: [rolloutRef],
      health: analysisRunHealth(run),
      createdAt: run.startedAt,
    });
  }
  if (app.live.rollout?.analysisMetric) {
    const name = `${app.service}-${app.live.rollout.analysisMetric}`;
    nodes.push({
      group: 'argoproj.io',
      version: 'v1alpha1',
      kind: 'AnalysisTemplate',
      namespace: ns,
      name,
      uid: uid(ns, 'analysistemplate', name),
      createdAt: app.obj.metadata.creationTimestamp,
    });
  }
  return nodes;
}

function podState(ready: boolean, bad: boolean) {
  if (ready) return { health: { status: 'Healthy' }, reason: 'Running' };
  if (bad)
    return {
      health: { status: 'Degraded', message: 'Back-off pulling image' },
      reason: 'ImagePullBackOff',
    };
  return { health: { status: 'Progressing' }, reason: 'ContainerCreating' };
}
