import { useCallback, useMemo, useState } from 'react';
import type {
  EntityRollouts,
  RolloutStatus,
} from '@internal/backstage-plugin-gitops-common';
import { useLiveEntityQuery } from './useLiveEntityQuery';

/** Identifies a Rollout across reads: its application and its namespace/name. */
export const rolloutKey = (
  app: { instance: string; name: string },
  rollout: { namespace?: string; name: string },
) => `${app.instance}/${app.name}/${rollout.namespace ?? ''}/${rollout.name}`;

/**
 * The entity's Argo Rollouts, re-read when the entity's Signals say its view changed (no
 * polling). `replace` shows the Rollout an action answered with at once; the next read, which
 * the action's signal brings, supersedes it.
 */
export function useEntityRollouts() {
  const state = useLiveEntityQuery((api, entity) => api.getRollouts(entity));
  const read = state.value;
  // Answers of actions, valid only over the read they were made on.
  const [answers, setAnswers] = useState<{
    over?: EntityRollouts;
    byKey: Map<string, RolloutStatus>;
  }>({ byKey: new Map() });

  const replace = useCallback(
    (app: { instance: string; name: string }, rollout: RolloutStatus) =>
      setAnswers(prev => {
        const byKey = new Map(prev.over === read ? prev.byKey : undefined);
        byKey.set(rolloutKey(app, rollout), rollout);
        return { over: read, byKey };
      }),
    [read],
  );

  const value = useMemo(() => {
    if (!read || answers.over !== read || answers.byKey.size === 0) return read;
    return {
      ...read,
      applications: read.applications.map(app => ({
        ...app,
        rollouts: app.rollouts.map(
          r => answers.byKey.get(rolloutKey(app, r)) ?? r,
        ),
      })),
    };
  }, [read, answers]);

  return { loading: state.loading, error: state.error, value, replace };
}
