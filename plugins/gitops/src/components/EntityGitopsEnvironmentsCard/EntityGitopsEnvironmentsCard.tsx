import { Fragment, useState } from 'react';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import IconButton from '@material-ui/core/IconButton';
import { gitopsPromotionCreatePermission } from '@internal/backstage-plugin-gitops-common';
import { PromoteDialog } from '../PromoteDialog';
import { InfoCard, Link } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Tooltip from '@material-ui/core/Tooltip';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import { makeStyles } from '@material-ui/core/styles';
import type {
  EntityOverview,
  EnvironmentBackup,
  EnvironmentOverview,
} from '@internal/backstage-plugin-gitops-common';
import { useEntityOverview } from '../../hooks/useEntityOverview';
import { environmentHealth, environmentSync } from '../../environmentStatus';
import {
  formatAgo,
  formatDuration,
  formatMoney,
  shortRevision,
} from '../../format';
import { HealthStatusLabel, SyncStatusLabel } from '../StatusLabels';
import { SourceErrors } from '../SourceErrors';
import { OverviewStates, RequireGitopsAnnotations } from '../GitopsCardStates';

const useStyles = makeStyles(theme => ({
  rowHeader: { fontWeight: theme.typography.fontWeightBold as number },
  gap: { width: 40, textAlign: 'center', padding: theme.spacing(0, 0.5) },
  differs: { color: theme.palette.warning.dark },
  version: { fontFamily: 'monospace', fontSize: '1rem' },
}));

/** The version, or why there is none: nothing deployed yet, or apps running different tags. */
function versionLabel(env: EnvironmentOverview): string {
  if (env.version.version) return env.version.version;
  return env.applications.every(app => app.images.length === 0)
    ? 'not deployed'
    : 'mixed';
}

/** One line on the backup state: the RPO, or why there is none. */
function backupSummary(backup: EnvironmentBackup): string {
  if (backup.rpoSeconds === undefined) {
    return backup.schedules.length === 0
      ? 'no schedule'
      : 'no successful backup';
  }
  const late =
    backup.rpoTargetSeconds !== undefined &&
    backup.rpoSeconds > backup.rpoTargetSeconds;
  return `RPO ${formatDuration(backup.rpoSeconds)}${
    late ? ' (over target)' : ''
  }`;
}

type Row = {
  label: string;
  render: (env: EnvironmentOverview, overview: EntityOverview) => JSX.Element;
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
    render: (env, overview) => (
      <Typography variant="body2">
        {formatAgo(env.version.deployedAt, overview.asOf)}
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
    render: env => {
      const backup = env.backup;
      if (!backup) return <Typography variant="body2">not covered</Typography>;
      return (
        <Typography variant="body2">
          {backupSummary(backup)}
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
 * Between two environments: a plain arrow when they run the same version; when the left one runs
 * a version the right one doesn't, the entry point of its promotion (for those allowed to promote).
 */
const PromotionGap = ({
  from,
  to,
}: {
  from: EnvironmentOverview;
  to: EnvironmentOverview;
}) => {
  const classes = useStyles();
  const { entity } = useEntity();
  const [open, setOpen] = useState(false);
  const { allowed, loading } = usePermission({
    permission: gitopsPromotionCreatePermission,
    resourceRef: stringifyEntityRef(entity),
  });
  const differs =
    from.version.version !== undefined &&
    from.version.version !== to.version.version;
  if (!differs) {
    const same = `${from.name} and ${to.name} run the same version`;
    return (
      <Tooltip title={same}>
        <ArrowForwardIcon aria-label={same} fontSize="small" color="disabled" />
      </Tooltip>
    );
  }
  const label = `Promote ${from.version.version} to ${to.name}`;
  const state = `${to.name} runs ${to.version.version ?? 'another version'}; ${
    from.name
  } runs ${from.version.version}`;
  const reason =
    !loading && !allowed
      ? `You are not allowed to promote ${entity.metadata.name}`
      : undefined;
  return (
    <>
      <Tooltip title={reason ? `${state}. ${reason}` : `${state}. ${label}`}>
        <span>
          <IconButton
            size="small"
            aria-label={reason ? `${state}. ${reason}` : label}
            className={classes.differs}
            disabled={loading || !allowed}
            onClick={() => setOpen(true)}
          >
            <ArrowForwardIcon fontSize="small" />
          </IconButton>
        </span>
      </Tooltip>
      {open && (
        <PromoteDialog
          from={from.name}
          to={to.name}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
};

/**
 * One column per environment (dev → staging → prod): sync and health, version, when and by whom it
 * was deployed, cost, and backup. Versions that differ between neighbours are marked.
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

  const render = (overview: EntityOverview) => {
    if (overview.environments.length === 0) {
      return (
        <>
          <SourceErrors sources={overview.sources} kinds={['argocd']} />
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
          kinds={['argocd', 'cost', 'velero']}
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
                          <PromotionGap from={envs[i - 1]} to={env} />
                        )}
                      </TableCell>
                    )}
                    <TableCell
                      data-testid={`${row.label.toLowerCase()}-${env.name}`}
                    >
                      {row.render(env, overview)}
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
