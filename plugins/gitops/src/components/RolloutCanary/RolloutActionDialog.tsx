import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import type {
  ApplicationRollouts,
  RolloutActionName,
  RolloutStatus,
} from '@internal/backstage-plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { backendMessage } from '../../errorMessage';
import { promoteEffect, rolloutTitle } from './rolloutText';

const VERB: Record<RolloutActionName, string> = {
  promote: 'Promote',
  abort: 'Abort',
};

/**
 * Confirms a promote or abort naming the Rollout and its environment, then asks the backend
 * (Argo CD's resource action, checked and audited there). It stays open on a refusal, showing
 * the backend's reason; on success it hands the Rollout of the answer to `onDone`.
 */
export const RolloutActionDialog = (props: {
  app: ApplicationRollouts;
  environment: string;
  rollout: RolloutStatus;
  action: RolloutActionName;
  onCancel: () => void;
  onDone: (rollout: RolloutStatus) => void;
}) => {
  const { app, rollout, action } = props;
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const title = rolloutTitle(rollout, props.environment);
  const verb = VERB[action];
  const titleId = `rollout-${action}-title`;

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api.runRolloutAction(getCompoundEntityRef(entity), {
        instance: app.instance,
        application: app.name,
        namespace: rollout.namespace ?? '',
        rollout: rollout.name,
        action,
      });
      alertApi.post({
        message: `${verb} of ${title} sent to Argo CD`,
        severity: 'success',
        display: 'transient',
      });
      props.onDone(answer.rollout);
    } catch (e) {
      setError(backendMessage(e));
      setBusy(false);
    }
  };

  const effect =
    action === 'promote'
      ? `Argo CD resumes it: ${promoteEffect(rollout)}.`
      : `Argo CD aborts the update: all traffic goes back to the stable version${
          rollout.stableImage ? ` (${rollout.stableImage})` : ''
        } and the new pods scale down. The Rollout stays aborted until git changes or it is retried.`;

  return (
    <Dialog open onClose={props.onCancel} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>
        {verb} {title}?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Rollout {rollout.name} of application {app.name} (Argo CD instance{' '}
          {app.instance}). {effect}
        </DialogContentText>
        {error && (
          <Typography role="alert" color="error" variant="body2">
            {verb} failed: {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          color={action === 'abort' ? 'secondary' : 'primary'}
          variant="contained"
          disabled={busy}
          onClick={confirm}
        >
          {verb}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
