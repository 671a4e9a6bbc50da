import type { ReactElement } from 'react';
import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useEntityRollouts } from '../../hooks/useEntityRollouts';
import { useEntityOverview } from '../../hooks/useEntityOverview';
import { useNow } from '../../hooks/useNow';
import { RolloutPanel } from './RolloutPanel';

/**
 * The Argo Rollouts of the entity's applications, per environment: each Rollout's strategy,
 * steps, weights, pause, analysis runs, and Promote / Abort. Renders nothing while loading and
 * for services without Rollouts, so the tab shows no empty card; `wrap` places the card (e.g.
 * in a grid item) only when there is one.
 *
 * @public
 */
export const RolloutCanary = ({
  wrap = card => card,
}: {
  wrap?: (card: ReactElement) => ReactElement;
}) => {
  const rollouts = useEntityRollouts();
  // The permissions come with the overview the page already reads: no request of its own.
  const overview = useEntityOverview();
  const now = useNow();
  const title = 'Canary (Argo Rollouts)';

  if (rollouts.error && !rollouts.value)
    return wrap(
      <InfoCard title={title}>
        <ResponseErrorPanel error={rollouts.error} />
      </InfoCard>,
    );
  const apps = rollouts.value?.applications ?? [];
  if (apps.length === 0) return null;

  return wrap(
    <InfoCard title={title}>
      {apps.map(app => {
        const environment = app.environment ?? app.name;
        return (
          <Box key={`${app.instance}/${app.name}`} mb={2}>
            <Typography variant="h6" component="h3">
              {environment}{' '}
              <Typography variant="caption" component="span">
                ({app.name} · {app.instance})
              </Typography>
            </Typography>
            {app.error && (
              <Typography variant="body2" color="error" role="alert">
                The Rollouts of {app.name} could not be read: {app.error}
              </Typography>
            )}
            {app.rollouts.map(rollout => (
              <RolloutPanel
                key={`${rollout.namespace ?? ''}/${rollout.name}`}
                app={app}
                environment={environment}
                rollout={rollout}
                permissions={overview.value?.permissions}
                now={now}
                onAnswer={answer => rollouts.replace(app, answer)}
              />
            ))}
          </Box>
        );
      })}
    </InfoCard>,
  );
};
