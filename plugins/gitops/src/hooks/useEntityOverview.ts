import { useCallback, useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { EntityOverview } from '@internal/backstage-plugin-gitops-common';
import { gitopsApiRef } from '../api';
import { OverviewStore, overviewStoreFor } from './overviewStore';
import { useSharedQuery } from './sharedQueries';

/** While an operation runs and Signals are unavailable, re-read this often. */
const FALLBACK_POLL_MS = 2000;

const isOperationRunning = (overview?: EntityOverview) =>
  overview?.environments.some(env =>
    env.applications.some(app => app.operation?.phase === 'Running'),
  ) ?? false;

/**
 * The entity's GitOps overview, shared by all cards of the page and kept live: one request on
 * mount, then a reload whenever the backend signals a change on the entity's channel. Without
 * Signals it re-reads only while an operation is running.
 */
export function useEntityOverview(options?: { costWindow?: string }) {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const store = overviewStoreFor(api);
  const ref = getCompoundEntityRef(entity);
  const costWindow = options?.costWindow;
  const key = OverviewStore.key(ref, costWindow);

  const reload = useCallback(
    () => store.load(key, ref, costWindow),
    // ref is rebuilt each render; the key captures it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store, key],
  );
  const { state, isSignalsAvailable } = useSharedQuery(store, key, reload);

  const running = isOperationRunning(state.value);
  useEffect(() => {
    if (isSignalsAvailable || !running) return undefined;
    const timer = setInterval(reload, FALLBACK_POLL_MS);
    return () => clearInterval(timer);
  }, [isSignalsAvailable, running, reload]);

  return { ...state, reload };
}
