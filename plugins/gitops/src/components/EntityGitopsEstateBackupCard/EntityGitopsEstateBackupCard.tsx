import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  EntityEstate,
  EstateBackups,
} from '@internal/backstage-plugin-gitops-common';
import { useEntityEstate } from '../../hooks/useEntityEstate';
import { useNow } from '../../hooks/useNow';
import { formatAgo, formatDuration } from '../../format';
import { SourceErrors } from '../SourceErrors';
import {
  EstateStates,
  RequireEstateEntity,
} from '../EntityGitopsEstateCard/EstateStates';

const ServiceLink = ({ entityRef }: { entityRef: string }) => (
  <EntityRefLink entityRef={entityRef} hideIcon>
    {parseEntityRef(entityRef).name}
  </EntityRefLink>
);

/**
 * The oldest last successful backup of the estate, its age counted now (a view is not recomputed
 * as time passes), against the target.
 */
const WorstRpo = ({
  worst,
  now,
}: {
  worst: NonNullable<EstateBackups['worstRpo']>;
  now: number;
}) => {
  const at = worst.lastSuccessfulAt ? Date.parse(worst.lastSuccessfulAt) : NaN;
  const age = Number.isFinite(at)
    ? Math.max(0, (now - at) / 1000)
    : worst.rpoSeconds;
  const where = (
    <>
      <ServiceLink entityRef={worst.entityRef} /> in {worst.environment}
    </>
  );
  if (age === undefined) {
    return <StatusError>No successful backup: {where}</StatusError>;
  }
  const target =
    worst.rpoTargetSeconds === undefined
      ? ''
      : ` (target ${formatDuration(worst.rpoTargetSeconds)})`;
  const text = (
    <>
      Worst RPO {formatDuration(age)}
      {target}: {where}
    </>
  );
  return worst.rpoTargetSeconds !== undefined &&
    age > worst.rpoTargetSeconds ? (
    <StatusError>{text}</StatusError>
  ) : (
    <StatusOK>{text}</StatusOK>
  );
};

function EstateBackupsView({
  estate,
  now,
}: {
  estate: EntityEstate;
  now: number;
}) {
  const { backups } = estate;
  // The backend derives its errors from these sources: name each once.
  const failingSources = estate.sources.some(
    s => s.kind === 'backup' && s.status !== 'ok',
  );
  const nothingToSay =
    backups.uncovered.length === 0 &&
    !backups.worstRpo &&
    backups.failures.length === 0;
  return (
    <>
      <SourceErrors sources={estate.sources} kinds={['backup']} />
      {backups.errors.length > 0 && !failingSources && (
        <Box mb={2}>
          <Alert severity="warning">
            Backups unavailable from {backups.errors.join('; ')}
          </Alert>
        </Box>
      )}
      {nothingToSay && (
        <Typography variant="body2">
          No Velero backup data for the estate's services.
        </Typography>
      )}
      {backups.worstRpo && (
        <Box mb={2} data-testid="estate-worst-rpo">
          <WorstRpo worst={backups.worstRpo} now={now} />
        </Box>
      )}
      <Box mb={2} data-testid="estate-uncovered">
        {backups.uncovered.length === 0 ? (
          !nothingToSay && (
            <StatusOK>Every prod namespace has a backup schedule</StatusOK>
          )
        ) : (
          <>
            <StatusWarning>
              {backups.uncovered.length} prod namespace
              {backups.uncovered.length === 1 ? '' : 's'} without a Velero
              schedule
            </StatusWarning>
            <Box component="ul" m={0} pl={2}>
              {backups.uncovered.map(u => (
                <li key={`${u.entityRef}/${u.environment}/${u.namespace}`}>
                  <Typography variant="body2">
                    {u.namespace} (<ServiceLink entityRef={u.entityRef} />,{' '}
                    {u.environment})
                  </Typography>
                </li>
              ))}
            </Box>
          </>
        )}
      </Box>
      {backups.failures.length > 0 && (
        <>
          <Typography variant="subtitle2" component="h3">
            Last failures
          </Typography>
          <Box component="ul" m={0} pl={2} aria-label="Failed backups">
            {backups.failures.map(f => (
              <li key={`${f.entityRef}/${f.environment}/${f.name}`}>
                <Typography variant="body2">
                  {f.phase}: {f.name} (<ServiceLink entityRef={f.entityRef} />,{' '}
                  {f.environment}){f.at ? `, ${formatAgo(f.at, now)}` : ''}
                </Typography>
              </li>
            ))}
          </Box>
        </>
      )}
    </>
  );
}

function EstateBackupsSection() {
  const state = useEntityEstate();
  const now = useNow();
  return (
    <InfoCard title="Backups">
      <EstateStates state={state}>
        {estate => <EstateBackupsView estate={estate} now={now} />}
      </EstateStates>
    </InfoCard>
  );
}

/**
 * The estate's Velero backups: prod namespaces no schedule covers, the worst RPO against its
 * target, and the last failed backups.
 *
 * @public
 */
export const EntityGitopsEstateBackupCard = () => (
  <RequireEstateEntity>
    <EstateBackupsSection />
  </RequireEstateEntity>
);
