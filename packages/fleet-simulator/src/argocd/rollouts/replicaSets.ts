import { SimApp, namespaceOf, uid } from '../app';
import { Obj } from '../objectJson';
import { replicaSetsOf, rolloutOwnerRef } from './model';

/**
 * The live manifest of a Rollout's ReplicaSet (`<rollout>-<pod-template-hash>`), as the
 * Kubernetes API serves it: owned by the Rollout, the pod template with the image its pods run,
 * and how many are ready. Undefined for a name that is not the stable or the current one.
 */
export function rolloutReplicaSet(app: SimApp, name: string): Obj | undefined {
  const r = app.rollout;
  if (!r) return undefined;
  const ns = namespaceOf(app);
  const rs = replicaSetsOf(r).find(s => `${app.service}-${s.hash}` === name);
  if (!rs) return undefined;
  const labels = {
    'app.kubernetes.io/name': app.service,
    'rollouts-pod-template-hash': rs.hash,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: ns,
      uid: uid(ns, 'rs', name),
      labels,
      annotations: { 'rollout.argoproj.io/revision': String(rs.revision) },
      ownerReferences: [rolloutOwnerRef(app)],
    },
    spec: {
      replicas: rs.pods,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: app.service, image: rs.image }] },
      },
    },
    status: {
      replicas: rs.pods,
      ...(rs.ready && rs.pods
        ? { readyReplicas: rs.pods, availableReplicas: rs.pods }
        : {}),
      observedGeneration: 1,
    },
  };
}
