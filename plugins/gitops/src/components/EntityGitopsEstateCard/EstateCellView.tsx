import { StatusError } from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { EstateCell } from '@internal/backstage-plugin-gitops-common';
import { formatAgo } from '../../format';
import { HealthStatusLabel, SyncStatusLabel } from '../StatusLabels';

const useStyles = makeStyles(theme => ({
  version: { fontFamily: 'monospace', fontWeight: 'bold' },
  waiting: {
    display: 'inline-block',
    marginTop: theme.spacing(0.5),
    padding: theme.spacing(0, 0.5),
    borderRadius: theme.shape.borderRadius,
    border: `1px solid ${theme.palette.warning.main}`,
    color: theme.palette.warning.dark,
    fontFamily: 'monospace',
  },
}));

/**
 * One service in one environment: the version, sync and health, the last deploy's age, and the
 * version waiting for promotion here when the environment before runs a newer one.
 */
export const EstateCellView = ({
  cell,
  environment,
  now,
}: {
  /** Undefined: the service has no application in this environment. */
  cell?: EstateCell;
  environment: string;
  now: number;
}) => {
  const classes = useStyles();
  if (!cell) {
    return (
      <Typography variant="body2" color="textSecondary">
        —
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2" component="span" className={classes.version}>
        {/* No single version: the environment's applications run different tags, or none. */}
        {cell.version ?? (cell.applications > 1 ? 'mixed' : 'not deployed')}
      </Typography>
      <br />
      {cell.sync && <SyncStatusLabel status={cell.sync} />}{' '}
      {cell.health && <HealthStatusLabel status={cell.health} />}
      {cell.syncFailed && (
        <>
          <br />
          <StatusError>last sync failed</StatusError>
        </>
      )}
      <br />
      <Typography variant="caption">
        deployed {formatAgo(cell.lastDeployedAt, now)}
      </Typography>
      {cell.waitingVersion && (
        <>
          <br />
          <Tooltip
            title={`${cell.waitingVersion} runs in the environment before ${environment}: it waits for promotion here`}
          >
            <Typography variant="caption" className={classes.waiting}>
              waiting: {cell.waitingVersion}
            </Typography>
          </Tooltip>
        </>
      )}
    </>
  );
};
