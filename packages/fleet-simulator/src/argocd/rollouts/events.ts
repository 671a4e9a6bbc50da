import { createHash } from 'node:crypto';
import { iso } from '../app';
import type { ArgoInstance } from '../instance';
import { RolloutState } from './model';

/**
 * The Events the Rollouts controller recorded about a Rollout (core/v1, component
 * `rollouts-controller`), as `.../events?resourceName=…&resourceUID=…` serves them; repeats of
 * the same reason and message fold into one event with a count, as the event recorder does.
 */
export function rolloutEvents(
  r: RolloutState,
  node: { name: string; namespace?: string; uid?: string },
) {
  const folded = new Map<string, any>();
  for (const e of r.events) {
    const key = `${e.type}/${e.reason}/${e.message}`;
    const prev = folded.get(key);
    if (prev) {
      prev.count++;
      prev.lastTimestamp = iso(e.at);
      continue;
    }
    const name = `${node.name}.${createHash('sha1')
      .update(`${node.uid}${key}`)
      .digest('hex')
      .slice(0, 16)}`;
    folded.set(key, {
      metadata: {
        name,
        namespace: node.namespace,
        creationTimestamp: iso(e.at),
      },
      involvedObject: {
        kind: 'Rollout',
        name: node.name,
        namespace: node.namespace,
        uid: node.uid,
        apiVersion: 'argoproj.io/v1alpha1',
      },
      type: e.type,
      reason: e.reason,
      message: e.message,
      source: { component: 'rollouts-controller' },
      reportingComponent: 'rollouts-controller',
      firstTimestamp: iso(e.at),
      lastTimestamp: iso(e.at),
      count: 1,
    });
  }
  const items = [...folded.values()];
  return { metadata: {}, items: items.length ? items : null };
}

/** Records what the controller did, as its event recorder would; the last 100 are kept. */
export function recordRolloutEvent(
  inst: ArgoInstance,
  r: RolloutState,
  reason: string,
  message: string,
  type: 'Normal' | 'Warning' = 'Normal',
) {
  r.events.push({ type, reason, message, at: inst.clock.nowMs() });
  if (r.events.length > 100) r.events.splice(0, r.events.length - 100);
}
