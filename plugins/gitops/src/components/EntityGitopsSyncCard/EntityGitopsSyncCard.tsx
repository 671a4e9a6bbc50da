import {
  InfoCard,
  Link,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import {
  GITOPS_ANNOTATIONS,
  isGitopsAvailable,
  type ApplicationSummary,
} from '@internal/backstage-plugin-gitops-common';
import { useEntityOverview } from '../../hooks/useEntityOverview';
import { formatAgo } from '../../format';
import {
  HealthStatusLabel,
  OperationLabel,
  SyncStatusLabel,
} from '../StatusLabels';
import { SourceErrors } from '../SourceErrors';
import { ApplicationActions } from '../ApplicationActions';

const columns = (asOf: string): TableColumn<ApplicationSummary>[] => [
  {
    title: 'Application',
    field: 'name',
    render: app =>
      app.url ? (
        <Link
          to={app.url}
          aria-label={`${app.name} in Argo CD ${app.instance}`}
        >
          {app.name}
        </Link>
      ) : (
        app.name
      ),
  },
  { title: 'Environment', field: 'environment' },
  { title: 'Instance', field: 'instance' },
  { title: 'Sync', render: app => <SyncStatusLabel status={app.sync} /> },
  {
    title: 'Health',
    render: app => (
      <>
        <HealthStatusLabel status={app.health} />
        {app.healthMessage && (
          <Typography variant="caption" display="block">
            {app.healthMessage}
          </Typography>
        )}
      </>
    ),
  },
  { title: 'Last sync', render: app => formatAgo(app.lastSyncedAt, asOf) },
  {
    title: 'Operation',
    render: app =>
      app.operation ? (
        <>
          <OperationLabel phase={app.operation.phase} />
          <Typography variant="caption" display="block">
            {app.operation.kind}
            {app.operation.message ? `: ${app.operation.message}` : ''}
          </Typography>
        </>
      ) : (
        '—'
      ),
  },
  { title: 'Actions', render: app => <ApplicationActions app={app} /> },
];

/**
 * Each Argo CD application of the entity with sync, health, last sync, the running operation,
 * a deep link to Argo CD, and the Sync / Refresh / Rollback actions.
 *
 * @public
 */
export const EntityGitopsSyncCard = () => {
  const { entity } = useEntity();
  if (!isGitopsAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState
        annotation={[
          GITOPS_ANNOTATIONS.argoAppSelector,
          GITOPS_ANNOTATIONS.argoAppName,
        ]}
      />
    );
  }
  return <SyncTable />;
};

function SyncTable() {
  const { value: overview, error, loading } = useEntityOverview();
  if (!overview && loading) {
    return (
      <InfoCard title="Argo CD applications">
        <Progress />
      </InfoCard>
    );
  }
  if (!overview) {
    return (
      <InfoCard title="Argo CD applications">
        <ResponseErrorPanel error={error ?? new Error('No data')} />
      </InfoCard>
    );
  }
  const apps = overview.environments.flatMap(env => env.applications);
  return (
    <>
      <SourceErrors sources={overview.sources} kinds={['argocd']} />
      <Table<ApplicationSummary>
        title="Argo CD applications"
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns(overview.asOf)}
        data={apps}
        emptyContent={
          <Typography style={{ padding: 16 }}>
            No Argo CD application matches this entity's annotations.
          </Typography>
        }
      />
    </>
  );
}
