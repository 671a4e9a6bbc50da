import { createHash } from 'node:crypto';
import { iso } from './app';

/** A node of the simulated resource tree (tree.ts), as far as its events need it. */
type TreeNode = {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  images?: string[];
  createdAt?: string;
  parentRefs?: Array<{ name: string }>;
  health?: { status?: string };
};

/** Kubelet retries a failed pull with a back-off capped at 5 minutes. */
const BACKOFF_MS = 5 * 60_000;

/**
 * The events a cluster records about one resource of an application, as
 * `GET /api/v1/applications/{name}/events?resourceName=…&resourceUID=…` serves them from the
 * destination cluster (core/v1 Events, by the component that records them): the scheduler and
 * kubelet for a Pod (an image that cannot be pulled: `Failed` / `BackOff`, repeating with the
 * back-off), the ReplicaSet controller for its pods, the Deployment controller for its scaling.
 * Derived from the tree and the clock, so the same state always tells the same story.
 */
export function resourceEvents(
  node: TreeNode,
  tree: { nodes: TreeNode[]; nodeName: string; container: string },
  nowMs: number,
) {
  const { nodeName, container } = tree;
  const children = tree.nodes
    .filter(n => n.parentRefs?.some(p => p.name === node.name))
    .map(n => n.name);
  const started = Date.parse(node.createdAt ?? '') || nowMs;
  const elapsed = Math.max(0, nowMs - started);
  const at = (ms: number) => iso(started + Math.min(ms, elapsed));
  const items: any[] = [];
  const add = (
    e: { type: string; reason: string; message: string; component: string },
    first = 0,
    count = 1,
    last = first,
  ) => {
    const name = `${node.name}.${createHash('sha1')
      .update(`${node.uid}${e.reason}${e.message}`)
      .digest('hex')
      .slice(0, 16)}`;
    items.push({
      metadata: {
        name,
        namespace: node.namespace,
        creationTimestamp: at(first),
      },
      involvedObject: {
        kind: node.kind,
        name: node.name,
        namespace: node.namespace,
        uid: node.uid,
        apiVersion: node.kind === 'Pod' ? 'v1' : 'apps/v1',
      },
      type: e.type,
      reason: e.reason,
      message: e.message,
      source: { component: e.component, host: nodeName },
      reportingComponent: e.component,
      firstTimestamp: at(first),
      lastTimestamp: at(last),
      count,
    });
  };
  if (node.kind === 'Pod') {
    const image = node.images?.[0] ?? '';
    const kubelet = (type: string, reason: string, message: string) => ({
      type,
      reason,
      message,
      component: 'kubelet',
    });
    add({
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${node.namespace}/${node.name} to ${nodeName}`,
      component: 'default-scheduler',
    });
    if (node.health?.status === 'Degraded') {
      // Every retry folds into the same events: their count grows with the back-off.
      const retries = 1 + Math.floor(elapsed / BACKOFF_MS);
      add(
        kubelet('Normal', 'Pulling', `Pulling image "${image}"`),
        1000,
        retries,
        elapsed,
      );
      add(
        kubelet(
          'Warning',
          'Failed',
          `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": not found`,
        ),
        2000,
        retries,
        elapsed,
      );
      add(
        kubelet('Warning', 'Failed', 'Error: ErrImagePull'),
        2000,
        retries,
        elapsed,
      );
      add(
        kubelet('Normal', 'BackOff', `Back-off pulling image "${image}"`),
        3000,
        retries,
        elapsed,
      );
      add(
        kubelet('Warning', 'Failed', 'Error: ImagePullBackOff'),
        3000,
        retries,
        elapsed,
      );
    } else {
      add(
        kubelet('Normal', 'Pulled', `Successfully pulled image "${image}"`),
        1000,
      );
      add(kubelet('Normal', 'Created', `Created container ${container}`), 2000);
      add(kubelet('Normal', 'Started', `Started container ${container}`), 2000);
    }
  } else if (node.kind === 'ReplicaSet') {
    for (const pod of children) {
      add({
        type: 'Normal',
        reason: 'SuccessfulCreate',
        message: `Created pod: ${pod}`,
        component: 'replicaset-controller',
      });
    }
  } else if (node.kind === 'Deployment') {
    for (const rs of children) {
      const pods = tree.nodes.filter(n =>
        n.parentRefs?.some(p => p.name === rs),
      ).length;
      add({
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: `Scaled up replica set ${rs} to ${pods}`,
        component: 'deployment-controller',
      });
    }
  }
  return { metadata: {}, items: items.length ? items : null };
}
