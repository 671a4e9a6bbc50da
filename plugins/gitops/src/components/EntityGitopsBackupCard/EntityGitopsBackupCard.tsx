import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  EnvironmentBackup,
  EnvironmentOverview,
} from '@internal/backstage-plugin-gitops-common';
import { useEntityOverview } from '../../hooks/useEntityOverview';
import { useNow } from '../../hooks/useNow';
import { backupAgeSeconds, isRpoExceeded } from '../../backup';
import { formatAgo, formatDuration } from '../../format';
import { SourceErrors } from '../SourceErrors';
import { OverviewStates, RequireGitopsAnnotations } from '../GitopsCardStates';

/** The RPO as of now: the age of the last successful backup, against the target. */
const RpoStatus = ({
  backup,
  now,
}: {
  backup: EnvironmentBackup;
  now: number;
}) => {
  const age = backupAgeSeconds(backup, now);
  if (age === undefined) {
    return <StatusError>No successful backup</StatusError>;
  }
  const rpo = `RPO ${formatDuration(age)}`;
  if (backup.rpoTargetSeconds === undefined) return <StatusOK>{rpo}</StatusOK>;
  const target = `target ${formatDuration(backup.rpoTargetSeconds)}`;
  return isRpoExceeded(backup, age) ? (
    <StatusError>
      {rpo} — over {target}
    </StatusError>
  ) : (
    <StatusOK>
      {rpo} — within {target}
    </StatusOK>
  );
};

const EnvironmentBackupView = ({
  env,
  now,
}: {
  env: EnvironmentOverview;
  now: number;
}) => {
  const backup = env.backup;
  return (
    <Box mb={2} data-testid={`backup-env-${env.name}`}>
      <Typography variant="h6" component="h3">
        {env.name}
      </Typography>
      {!backup ? (
        <StatusWarning>No Velero data for this environment</StatusWarning>
      ) : (
        <>
          <RpoStatus backup={backup} now={now} />
          <Typography variant="body2">
            Last successful backup:{' '}
            {backup.lastSuccessfulAt
              ? `${formatAgo(backup.lastSuccessfulAt, now)} (${
                  backup.lastSuccessfulName
                })`
              : 'none'}
          </Typography>
          <Typography variant="body2">
            Schedule:{' '}
            {backup.schedules.length === 0
              ? 'none'
              : backup.schedules
                  .map(
                    s => `${s.name} (${s.cron}${s.paused ? ', paused' : ''})`,
                  )
                  .join(', ')}
          </Typography>
          {backup.lastPhase && (
            <Typography variant="body2">
              Last backup: {backup.lastPhase}
            </Typography>
          )}
          {backup.uncoveredNamespaces.length > 0 && (
            <Alert severity="warning">
              No schedule backs up namespace
              {backup.uncoveredNamespaces.length > 1 ? 's' : ''}{' '}
              {backup.uncoveredNamespaces.join(', ')}
            </Alert>
          )}
          {backup.unavailableLocations.length > 0 && (
            <Alert severity="error">
              Backup storage location {backup.unavailableLocations.join(', ')}{' '}
              is Unavailable: new backups fail
            </Alert>
          )}
          {backup.failures.length > 0 && (
            <Box
              component="ul"
              m={0}
              pl={2}
              aria-label={`Failed backups in ${env.name}`}
            >
              {backup.failures.map(f => (
                <li key={f.name}>
                  <Typography variant="body2">
                    {f.phase}: {f.name}
                    {f.at ? `, ${formatAgo(f.at, now)}` : ''} — {f.errors} error
                    {f.errors === 1 ? '' : 's'}, {f.warnings} warning
                    {f.warnings === 1 ? '' : 's'}
                  </Typography>
                </li>
              ))}
            </Box>
          )}
        </>
      )}
    </Box>
  );
};

/**
 * Per environment: the last successful Velero backup, the RPO against the target, the schedule,
 * recent failures, and warnings for namespaces without a schedule or an unavailable storage location.
 *
 * @public
 */
export const EntityGitopsBackupCard = () => (
  <RequireGitopsAnnotations>
    <Backups />
  </RequireGitopsAnnotations>
);

function Backups() {
  const state = useEntityOverview();
  const now = useNow();
  return (
    <InfoCard title="Backups">
      <OverviewStates state={state}>
        {overview => (
          <>
            <SourceErrors sources={overview.sources} kinds={['backup']} />
            {overview.environments.length === 0 ? (
              <Typography variant="body2">No environments to show.</Typography>
            ) : (
              overview.environments.map(env => (
                <EnvironmentBackupView key={env.name} env={env} now={now} />
              ))
            )}
          </>
        )}
      </OverviewStates>
    </InfoCard>
  );
}
