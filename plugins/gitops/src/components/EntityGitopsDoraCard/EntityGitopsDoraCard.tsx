import { useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { DoraFigures } from '@internal/backstage-plugin-gitops-common';
import type { DoraDays } from '../../api';
import { useLiveEntityQuery } from '../../hooks/useLiveEntityQuery';
import { formatDuration } from '../../format';
import { RequireGitopsAnnotations } from '../GitopsCardStates';
import { isEstateEntity } from '../EntityGitopsEstateCard/isEstateEntity';
import { DoraFigureTile } from './DoraFigureTile';
import { WindowToggle } from '../WindowToggle';

const WINDOWS: DoraDays[] = [30, 90];

const TITLES: Record<keyof DoraFigures['definitions'], string> = {
  deploymentFrequency: 'Deployment frequency',
  leadTime: 'Lead time for changes',
  changeFailureRate: 'Change failure rate',
  timeToRestore: 'Time to restore',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

/** The four figures of a window, each with its sparkline, and their definitions. */
function Figures({ figures }: { figures: DoraFigures }) {
  const prod = figures.productionEnvironments.join(', ') || 'prod';
  const { deploymentFrequency: df, leadTime, changeFailureRate: cfr } = figures;
  const ttr = figures.timeToRestore;
  return (
    <>
      <Grid container spacing={2}>
        <Grid item xs={12} sm={6}>
          <DoraFigureTile
            id="deployment-frequency"
            title={TITLES.deploymentFrequency}
            value={`${df.perWeek.toFixed(1)} / week`}
            detail={`${plural(df.deployments, 'deployment')} to ${prod}`}
            series={df.series}
            formatPoint={String}
          />
        </Grid>
        <Grid item xs={12} sm={6}>
          <DoraFigureTile
            id="lead-time"
            title={TITLES.leadTime}
            value={
              leadTime.medianSeconds === undefined
                ? undefined
                : formatDuration(leadTime.medianSeconds)
            }
            detail={`median of ${plural(leadTime.samples, 'deployment')}`}
            warning={
              leadTime.outliers > 0
                ? `${plural(
                    leadTime.outliers,
                    'outlier',
                  )} left out: commit time after the deployment (clock skew between git and Argo CD)`
                : undefined
            }
            series={leadTime.series}
            formatPoint={formatDuration}
          />
        </Grid>
        <Grid item xs={12} sm={6}>
          <DoraFigureTile
            id="change-failure-rate"
            title={TITLES.changeFailureRate}
            value={cfr.rate === undefined ? undefined : percent(cfr.rate)}
            detail={`${cfr.failed} of ${plural(
              cfr.deployments,
              'deployment',
            )} failed`}
            series={cfr.series}
            formatPoint={percent}
          />
        </Grid>
        <Grid item xs={12} sm={6}>
          <DoraFigureTile
            id="time-to-restore"
            title={TITLES.timeToRestore}
            value={
              ttr.medianSeconds === undefined
                ? undefined
                : formatDuration(ttr.medianSeconds)
            }
            detail={`median of ${plural(ttr.samples, 'restore')}`}
            series={ttr.series}
            formatPoint={formatDuration}
          />
        </Grid>
      </Grid>
      <Typography variant="caption" color="textSecondary" display="block">
        {plural(figures.services, 'service')} · production: {prod} ·{' '}
        {figures.from.slice(0, 10)} → {figures.to.slice(0, 10)}
      </Typography>
      <Box component="details" mt={1}>
        <summary>
          <Typography variant="caption" component="span">
            How these are measured
          </Typography>
        </summary>
        <Box component="dl" m={0} aria-label="DORA definitions">
          {(Object.keys(TITLES) as Array<keyof typeof TITLES>).map(key => (
            <Typography key={key} variant="body2" component="div">
              <dt>
                <strong>{TITLES[key]}</strong>
              </dt>
              <Box component="dd" ml={2} mb={1}>
                {figures.definitions[key]}
              </Box>
            </Typography>
          ))}
        </Box>
      </Box>
    </>
  );
}

function Dora() {
  const [days, setDays] = useState<DoraDays>(30);
  const figures = useLiveEntityQuery(
    (api, entity) => api.getDora(entity, { days }),
    [days],
  );
  let body: JSX.Element;
  if (figures.value) body = <Figures figures={figures.value} />;
  else if (figures.error) body = <ResponseErrorPanel error={figures.error} />;
  else body = <Progress />;
  return (
    <InfoCard
      title="DORA"
      // The window of the figures shown: the last answer stays while another window loads.
      subheader={`Deployments to production over the last ${
        figures.value?.days ?? days
      } days`}
      action={
        <WindowToggle
          label="DORA window"
          options={WINDOWS}
          value={days}
          onChange={setDays}
          text={d => `${d}d`}
          ariaLabel={d => `Last ${d} days`}
        />
      }
    >
      {body}
    </InfoCard>
  );
}

/**
 * The four DORA figures of a service, a team (Group) or a System over 30 or 90 days, from the
 * deployment record: deployment frequency, lead time for changes, change failure rate and time to
 * restore, each with its weekly sparkline and its definition.
 *
 * @public
 */
export const EntityGitopsDoraCard = () => {
  const { entity } = useEntity();
  // A team's or a system's figures need no annotation of their own: they are their services'.
  if (isEstateEntity(entity)) return <Dora />;
  return (
    <RequireGitopsAnnotations>
      <Dora />
    </RequireGitopsAnnotations>
  );
};
