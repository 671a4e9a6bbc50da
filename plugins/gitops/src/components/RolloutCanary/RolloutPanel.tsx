import { useState } from 'react';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Typography from '@material-ui/core/Typography';
import type {
  ApplicationRollouts,
  EntityPermissions,
  RolloutActionName,
  RolloutStatus,
} from '@internal/backstage-plugin-gitops-common';
import { formatAgo } from '../../format';
import { RolloutStatusLabel } from '../StatusLabels';
import { ActionButton } from '../ApplicationActions';
import { RolloutSteps } from './RolloutSteps';
import { AnalysisRuns } from './AnalysisRuns';
import { RolloutActionDialog } from './RolloutActionDialog';
import { rolloutTitle, strategyName } from './rolloutText';

/**
 * One Rollout: strategy and state, its steps, weights, images, why it is paused, its analysis
 * runs, and Promote / Abort for those the policy allows (as named in the overview's permissions).
 */
export const RolloutPanel = (props: {
  app: ApplicationRollouts;
  environment: string;
  rollout: RolloutStatus;
  /** From the entity's overview; undefined while it loads (the buttons stay disabled). */
  permissions: EntityPermissions | undefined;
  now: number;
  onAnswer: (rollout: RolloutStatus) => void;
}) => {
  const { app, rollout, environment } = props;
  const { entity } = useEntity();
  const [dialog, setDialog] = useState<RolloutActionName>();
  const title = rolloutTitle(rollout, environment);
  const strategy = strategyName(rollout);
  const offered = (name: RolloutActionName) =>
    rollout.actions.find(a => a.name === name);
  const promote = offered('promote');
  const abort = offered('abort');
  const noNamespace = rollout.namespace
    ? undefined
    : 'Argo CD names no namespace for this Rollout';
  const denied = (what: string) =>
    `You are not allowed to ${what} rollouts of ${entity.metadata.name}`;

  return (
    <Box component="section" aria-label={`${strategy} of ${title}`} mb={2}>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={12}>
        <Typography variant="subtitle1" component="h4">
          <strong>{rollout.name}</strong> · {strategy}
        </Typography>
        <RolloutStatusLabel rollout={rollout} />
      </Box>
      {rollout.aborted && (
        <Typography variant="body2" color="error">
          Aborted{rollout.message ? `: ${rollout.message}` : ''}
        </Typography>
      )}
      {rollout.healthMessage &&
        rollout.healthMessage !== rollout.message &&
        // Argo Rollouts says a paused canary's reason (CanaryPauseStep) as its message too.
        rollout.healthMessage !== rollout.pauseReason && (
          <Typography variant="caption" display="block">
            {rollout.healthMessage}
          </Typography>
        )}
      {rollout.paused && (
        <Typography variant="body2">
          Paused
          {rollout.pausedSince
            ? ` since ${formatAgo(rollout.pausedSince, props.now)}`
            : ''}
          {rollout.pauseReason ? ` (${rollout.pauseReason})` : ''}
        </Typography>
      )}
      <RolloutSteps rollout={rollout} name={title} />
      {rollout.setWeight !== undefined && (
        <Typography variant="body2">
          Set weight {rollout.setWeight}%
          {rollout.actualWeight !== undefined
            ? ` · actual ${rollout.actualWeight}%`
            : ''}
        </Typography>
      )}
      {rollout.stableImage && (
        <Typography variant="body2">
          Stable {rollout.stableImage}
          {rollout.canaryImage && rollout.canaryImage !== rollout.stableImage
            ? ` → ${rollout.strategy === 'blueGreen' ? 'preview' : 'canary'} ${
                rollout.canaryImage
              }`
            : ''}
        </Typography>
      )}
      <AnalysisRuns runs={rollout.analysisRuns} name={title} />
      {(promote || abort) && (
        <Box mt={1}>
          <ButtonGroup variant="outlined" aria-label={`Actions for ${title}`}>
            {promote && !promote.disabled && (
              <ActionButton
                label="Promote"
                name={`Promote ${title}`}
                allowed={props.permissions?.promoteRollout}
                deniedReason={denied('promote')}
                blockedReason={noNamespace}
                busy={false}
                onClick={() => setDialog('promote')}
              />
            )}
            {abort && (
              <ActionButton
                label="Abort"
                name={`Abort ${title}`}
                allowed={props.permissions?.abortRollout}
                deniedReason={denied('abort')}
                blockedReason={
                  noNamespace ??
                  (abort.disabled
                    ? 'Argo CD does not offer abort for this Rollout now'
                    : undefined)
                }
                busy={false}
                onClick={() => setDialog('abort')}
              />
            )}
          </ButtonGroup>
        </Box>
      )}
      {dialog && (
        <RolloutActionDialog
          app={app}
          environment={environment}
          rollout={rollout}
          action={dialog}
          onCancel={() => setDialog(undefined)}
          onDone={answer => {
            setDialog(undefined);
            props.onAnswer(answer);
          }}
        />
      )}
    </Box>
  );
};
