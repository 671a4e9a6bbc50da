import { Fragment } from 'react';
import { InfoCard, Link } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  EntityOverview,
  EnvironmentBackup,
  EnvironmentOverview,
} from '@internal/backstage-plugin-gitops-common';
import { useEntityOverview } from '../../hooks/useEntityOverview';
import { useNow } from '../../hooks/useNow';
import { backupAgeSeconds, isRpoExceeded } from '../../backup';
import {
  environmentHealth,
  environmentSync,
} from '@internal/backstage-plugin-gitops-common';
import {
  formatAgo,
  formatDuration,
  formatMoney,
  shortRevision,
} from '../../format';
import { HealthStatusLabel, SyncStatusLabel } from '../StatusLabels';
import { SourceErrors } from '../SourceErrors';
import { ApplicationDiff } from '../ApplicationDiff';
import { OverviewStates, RequireGitopsAnnotations } from '../GitopsCardStates';
import { PromotionGap } from './PromotionGap';

const useStyles = makeStyles(theme => ({
  rowHeader: { fontWeight: theme.typography.fontWeightBold as number },
  gap: { width: 40, textAlign: 'center', padding: theme.spacing(0, 0.5) },
  version: { fontFamily: 'monospace', fontSize: '1rem' },
}));

/** The version, or why there is none: nothing deployed yet, or apps running different tags. */
function versionLabel(env: EnvironmentOverview): string {
  if (env.version.version) return env.version.version;
  return env.applications.every(app => app.images.length === 0)
    ? 'not deployed'
    : 'mixed';
}

/** One line on the backup state: the RPO (its age now), or why there is none. */
function backupSummary(backup: EnvironmentBackup, now: number): string {
  const age = backupAgeSeconds(backup, now);
  if (age === undefined) {
    return backup.schedules.length === 0
      ? 'no schedule'
      : 'no successful backup';
  }
  return `RPO ${formatDuration(age)}${
    isRpoExceeded(backup, age) ? ' (over target)' : ''
  }`;
}

type Row = {
  label: string;
  /** `now`: the clock in ms, for ages. */
  render: (env: EnvironmentOverview, now: number) => JSX.Element;
};

const ROWS: Row[] = [
  {
    label: 'Status',
    render: env => {
      const sync = environmentSync(env.applications);
      const health = environmentHealth(env.applications);
      if (!sync || !health) return <Typography variant="body2">—</Typography>;
      return (
        <>
          <SyncStatusLabel status={sync} />
          {/* One per OutOfSync application: an environment may run several. */}
          {env.applications.map(app => (
            <ApplicationDiff key={`${app.instance}/${app.name}`} app={app} />
          ))}
          <br />
          <HealthStatusLabel status={health} />
        </>
      );
    },
  },
  {
    label: 'Version',
    render: env => {
      const app = env.applications.find(a => a.revisionUrl);
      return (
        <>
          <Typography variant="body2" component="span">
            <strong>{versionLabel(env)}</strong>
          </Typography>
          <br />
          <Typography variant="caption">
            rev{' '}
            {app?.revisionUrl ? (
              <Link to={app.revisionUrl}>
                {shortRevision(env.version.revision)}
              </Link>
            ) : (
              shortRevision(env.version.revision)
            )}
          </Typography>
        </>
      );
    },
  },
  {
    label: 'Deployed',
    render: (env, now) => (
      <Typography variant="body2">
        {formatAgo(env.version.deployedAt, now)}
        {env.version.deployedBy ? (
          <>
            <br />
            <Typography variant="caption">
              by {env.version.deployedBy.replace(/^user:(default\/)?/, '')}
            </Typography>
          </>
        ) : null}
      </Typography>
    ),
  },
  {
    label: 'Cost',
    render: env => (
      <Typography variant="body2">
        {env.cost
          ? `${formatMoney(env.cost.total, env.cost.currency)} / ${
              env.cost.window
            }`
          : 'no data'}
      </Typography>
    ),
  },
  {
    label: 'Backup',
    render: (env, now) => {
      const backup = env.backup;
      if (!backup) return <Typography variant="body2">not covered</Typography>;
      return (
        <Typography variant="body2">
          {backupSummary(backup, now)}
          {backup.lastPhase && backup.lastPhase !== 'Completed' ? (
            <>
              <br />
              <Typography variant="caption">
                last: {backup.lastPhase}
              </Typography>
            </>
          ) : null}
        </Typography>
      );
    },
  },
];

/**
 * One column per environment (dev → staging → prod): sync and health (with the Diff of an
 * OutOfSync application), version, when and by whom it was deployed, cost, and backup.
 * Versions that differ between neighbours are marked.
 *
 * @public
 */
export const EntityGitopsEnvironmentsCard = () => {
  return (
    <RequireGitopsAnnotations>
      <EnvironmentsMatrix />
    </RequireGitopsAnnotations>
  );
};

function EnvironmentsMatrix() {
  const classes = useStyles();
  const state = useEntityOverview();
  const now = useNow();

  const render = (overview: EntityOverview) => {
    if (overview.environments.length === 0) {
      return (
        <>
          <SourceErrors sources={overview.sources} kinds={['deployment']} />
          <Typography variant="body2">
            No Argo CD application matches this entity's annotations.
          </Typography>
        </>
      );
    }
    const envs = overview.environments;
    return (
      <>
        <SourceErrors
          sources={overview.sources}
          kinds={['deployment', 'cost', 'backup']}
        />
        <Table size="small" aria-label="Environments">
          <TableHead>
            <TableRow>
              <TableCell />
              {envs.map((env, i) => (
                <Fragment key={env.name}>
                  {i > 0 && <TableCell className={classes.gap} />}
                  <TableCell>
                    <Typography variant="h6" component="span">
                      {env.name}
                    </Typography>
                  </TableCell>
                </Fragment>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {ROWS.map(row => (
              <TableRow key={row.label}>
                <TableCell
                  component="th"
                  scope="row"
                  className={classes.rowHeader}
                >
                  {row.label}
                </TableCell>
                {envs.map((env, i) => (
                  <Fragment key={env.name}>
                    {i > 0 && (
                      <TableCell className={classes.gap}>
                        {row.label === 'Version' && (
                          <PromotionGap
                            from={envs[i - 1]}
                            to={env}
                            overview={overview}
                          />
                        )}
                      </TableCell>
                    )}
                    <TableCell
                      data-testid={`${row.label.toLowerCase()}-${env.name}`}
                    >
                      {row.render(env, now)}
                    </TableCell>
                  </Fragment>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </>
    );
  };
  return (
    <InfoCard title="Environments">
      <OverviewStates state={state}>{render}</OverviewStates>
    </InfoCard>
  );
}
