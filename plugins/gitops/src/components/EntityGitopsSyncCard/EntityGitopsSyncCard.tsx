import { Link, Table, type TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type {
  ApplicationSummary,
  EntityOverview,
  EntityPermissions,
} from '@internal/backstage-plugin-gitops-common';
import { useEntityOverview } from '../../hooks/useEntityOverview';
import { useNow } from '../../hooks/useNow';
import { formatAgo } from '../../format';
import {
  HealthStatusLabel,
  OperationLabel,
  SyncStatusLabel,
} from '../StatusLabels';
import { SourceErrors } from '../SourceErrors';
import { SyncPhases } from '../SyncPhases';
import { ApplicationActions } from '../ApplicationActions';
import { ApplicationEvents } from '../ApplicationEvents';
import { ApplicationDiff } from '../ApplicationDiff';
import { OverviewStates, RequireGitopsAnnotations } from '../GitopsCardStates';

const columns = (
  now: number,
  permissions: EntityPermissions,
): TableColumn<ApplicationSummary>[] => [
  {
    title: 'Application',
    field: 'name',
    render: app => (
      <>
        {app.url ? (
          <Link
            to={app.url}
            aria-label={`${app.name} in Argo CD ${app.instance}`}
          >
            {app.name}
          </Link>
        ) : (
          app.name
        )}
        <Typography variant="caption" display="block">
          {app.environment} · {app.instance}
        </Typography>
      </>
    ),
  },
  {
    title: 'Status',
    render: app => (
      <>
        <SyncStatusLabel status={app.sync} />
        <br />
        <HealthStatusLabel status={app.health} />
        {app.healthMessage && (
          <Typography variant="caption" display="block">
            {app.healthMessage}
          </Typography>
        )}
        <ApplicationEvents app={app} />
        <ApplicationDiff app={app} />
      </>
    ),
  },
  {
    title: 'Last sync',
    render: app => formatAgo(app.lastSyncedAt, now),
  },
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
          <SyncPhases operation={app.operation} />
        </>
      ) : (
        '—'
      ),
  },
  {
    title: 'Actions',
    cellStyle: { whiteSpace: 'nowrap' },
    render: app => <ApplicationActions app={app} permissions={permissions} />,
  },
];

/**
 * Each Argo CD application of the entity with sync, health, last sync, the running operation,
 * a deep link to Argo CD, and the Sync / Refresh / Rollback actions.
 *
 * @public
 */
export const EntityGitopsSyncCard = () => (
  <RequireGitopsAnnotations>
    <SyncTable />
  </RequireGitopsAnnotations>
);

// Module constants: the table rebuilds its body component (remounting every row, and any dialog
// open in one) whenever `emptyContent` is a new element.
const NO_APPLICATIONS = (
  <Typography style={{ padding: 16 }}>
    No Argo CD application matches this entity's annotations.
  </Typography>
);

/**
 * The rows, each with a stable `id`: the table keys rows by it (else by a fresh uuid per data
 * array), so an open Sync, Rollback, Why? or Diff dialog and what was chosen in it survive the
 * overview changing underneath it.
 */
const rowsOf = (overview: EntityOverview) =>
  overview.environments.flatMap(env =>
    env.applications.map(app => ({
      ...app,
      id: `${app.instance}/${app.name}`,
    })),
  );

function SyncTable() {
  const state = useEntityOverview();
  const now = useNow();
  return (
    <OverviewStates state={state}>
      {overview => (
        <>
          <SourceErrors sources={overview.sources} kinds={['deployment']} />
          <Table<ApplicationSummary>
            title="Argo CD applications"
            options={{ paging: false, search: false, padding: 'dense' }}
            columns={columns(now, overview.permissions)}
            data={rowsOf(overview)}
            emptyContent={NO_APPLICATIONS}
          />
        </>
      )}
    </OverviewStates>
  );
}
