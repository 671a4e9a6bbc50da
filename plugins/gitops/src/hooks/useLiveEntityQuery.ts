import { useEffect, useRef, type DependencyList } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  getCompoundEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';
import { gitopsApiRef, type GitopsApi } from '../api';
import { useEntitySignal } from './useEntitySignal';

/**
 * Runs a query of the gitops API for the current entity and re-runs it when the entity signals a
 * change (or one of `deps`, e.g. a window, changes). The last value stays while it re-runs.
 */
export function useLiveEntityQuery<T>(
  query: (api: GitopsApi, entity: CompoundEntityRef) => Promise<T>,
  deps: DependencyList = [],
) {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const { lastSignal } = useEntitySignal();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsyncRetry(
    () => query(api, getCompoundEntityRef(entity)),
    [api, entity, ...deps],
  );
  // react-use's `retry` changes whenever `loading` does and ignores calls while loading, so
  // keying the re-read on it re-read forever after one signal; a signal is owed once instead,
  // and paid as soon as no read is under way (one arriving mid-read is not lost).
  const owed = useRef(false);
  useEffect(() => {
    if (lastSignal) owed.current = true;
  }, [lastSignal]);
  const { retry, loading } = state;
  useEffect(() => {
    if (owed.current && !loading) {
      owed.current = false;
      retry();
    }
  }, [lastSignal, loading, retry]);
  return state;
}
