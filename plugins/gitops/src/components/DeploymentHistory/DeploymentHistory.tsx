import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import type { DeploymentHistoryEntry } from '@internal/backstage-plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { useEntitySignal } from '../../hooks/useEntitySignal';
import { shortRevision } from '../../format';
import { SourceErrors } from '../SourceErrors';

const columns: TableColumn<DeploymentHistoryEntry>[] = [
  {
    title: 'Deployed',
    field: 'deployedAt',
    defaultSort: 'desc',
    render: e => (e.deployedAt ? new Date(e.deployedAt).toLocaleString() : '—'),
  },
  { title: 'Environment', field: 'environment' },
  { title: 'Application', field: 'application' },
  { title: 'Image', render: e => e.images.join(', ') || '—' },
  {
    title: 'Revision',
    field: 'revision',
    render: e => <code>{shortRevision(e.revision)}</code>,
  },
  { title: 'Author', field: 'author', emptyValue: '—' },
  { title: 'Message', field: 'message', emptyValue: '—' },
  { title: 'History id', field: 'id', type: 'numeric' },
];

/**
 * Every deployment of the entity's applications, newest first, with the git revision, its
 * author and message, and the image; kept live through the entity's signal.
 *
 * @public
 */
export const DeploymentHistory = () => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const { lastSignal } = useEntitySignal();
  const history = useAsyncRetry(
    () => api.getHistory(getCompoundEntityRef(entity)),
    [api, entity],
  );
  const { retry } = history;
  useEffect(() => {
    if (lastSignal) retry();
  }, [lastSignal, retry]);

  if (history.error) return <ResponseErrorPanel error={history.error} />;
  return (
    <>
      {history.value && (
        <SourceErrors
          sources={history.value.sources}
          kinds={['argocd', 'git']}
        />
      )}
      <Table<DeploymentHistoryEntry>
        title="Deployment history"
        isLoading={history.loading && !history.value}
        options={{ paging: true, pageSize: 10, search: true, padding: 'dense' }}
        columns={columns}
        data={history.value?.entries ?? []}
      />
    </>
  );
};
