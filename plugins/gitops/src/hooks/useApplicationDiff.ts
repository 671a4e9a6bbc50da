import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { ApplicationDiff } from '@internal/backstage-plugin-gitops-common';
import { gitopsApiRef } from '../api';

/**
 * How the live resources of one application differ from git, asked once when the component
 * mounts (the diff dialog, the sync confirmation): reading the managed resources is costly for
 * Argo CD, so it is never part of the overview. An answer without the application is an error.
 */
export function useApplicationDiff(app: { instance: string; name: string }): {
  loading: boolean;
  error?: Error;
  diff?: ApplicationDiff;
} {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const application = `${app.instance}/${app.name}`;
  // Keyed by the ref, not the entity object: a re-read of the same entity asks nothing again.
  const state = useAsync(async () => {
    const answer = await api.getDiff(getCompoundEntityRef(entity), {
      application,
    });
    const found = answer.applications.find(
      a => a.instance === app.instance && a.name === app.name,
    );
    if (!found)
      throw new Error(`The backend returned no diff of ${application}`);
    return found;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, entityRef, application]);
  return { loading: state.loading, error: state.error, diff: state.value };
}
