import {
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import type { DeploymentHistoryEntry } from '@internal/backstage-plugin-gitops-common';
import { useLiveEntityQuery } from '../../hooks/useLiveEntityQuery';
import { imageTag, shortRevision } from '../../format';
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
  {
    title: 'Version',
    render: e => e.images.map(i => imageTag(i) ?? i).join(', ') || '—',
  },
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
  const history = useLiveEntityQuery((api, entity) => api.getHistory(entity));

  if (history.error) return <ResponseErrorPanel error={history.error} />;
  return (
    <>
      {history.value && (
        <SourceErrors
          sources={history.value.sources}
          kinds={['deployment', 'git']}
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
