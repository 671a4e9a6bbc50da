import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { gitopsApiRef } from '../api';
import {
  DEFAULT_ESTATE_WINDOW,
  EstateStore,
  estateStoreFor,
} from './estateStore';
import { useSharedQuery } from './sharedQueries';

/**
 * The estate of the page's Group or System, shared by its estate cards and kept live: one
 * request on mount, then a reload whenever the backend signals on the group's (or system's)
 * channel that one of its services' views changed. No polling.
 */
export function useEntityEstate(options?: { window?: string }) {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const store = estateStoreFor(api);
  const ref = getCompoundEntityRef(entity);
  const window = options?.window ?? DEFAULT_ESTATE_WINDOW;
  const key = EstateStore.key(ref, window);

  // ref is rebuilt each render; the key captures it and the window.
  /* eslint-disable react-hooks/exhaustive-deps */
  const load = useCallback(() => store.load(key, ref, window), [store, key]);
  const refresh = useCallback(
    () => store.refresh(key, ref, window),
    [store, key],
  );
  /* eslint-enable react-hooks/exhaustive-deps */
  const { state } = useSharedQuery(store, key, load, refresh);
  return { ...state, reload: load };
}
