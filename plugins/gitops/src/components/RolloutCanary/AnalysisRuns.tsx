import Typography from '@material-ui/core/Typography';
import type { RolloutStatus } from '@internal/backstage-plugin-gitops-common';
import { AnalysisPhaseLabel } from '../StatusLabels';
import { failingMetrics } from './rolloutText';

/** The Rollout's analysis runs, newest first, with the message of each metric that is not good. */
export const AnalysisRuns = ({
  runs,
  name,
}: {
  runs: RolloutStatus['analysisRuns'];
  name: string;
}) => {
  if (runs.length === 0)
    return <Typography variant="body2">No analysis</Typography>;
  return (
    <ul
      aria-label={`Analysis runs of ${name}`}
      style={{ margin: 0, paddingLeft: 0, listStyle: 'none' }}
    >
      {runs.map(run => (
        <li key={run.name}>
          <Typography variant="body2" component="span">
            Analysis {run.name}{' '}
          </Typography>
          <AnalysisPhaseLabel phase={run.phase} />
          {run.message && (
            <Typography variant="caption" display="block">
              {run.message}
            </Typography>
          )}
          {failingMetrics(run.metrics).map(m => (
            <Typography key={m.name} variant="caption" display="block">
              Metric {m.name} {m.phase}
              {m.message ? `: ${m.message}` : ''}
            </Typography>
          ))}
        </li>
      ))}
    </ul>
  );
};
