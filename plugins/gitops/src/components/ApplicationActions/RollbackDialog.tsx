import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Typography from '@material-ui/core/Typography';
import type { ApplicationSummary } from '@internal/backstage-plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { shortRevision } from '../../format';

/** Pick an earlier deployment of the application from its Argo CD history, then confirm. */
export const RollbackDialog = (props: {
  app: ApplicationSummary;
  onCancel: () => void;
  onConfirm: (historyId: number) => void;
}) => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const [selected, setSelected] = useState<number | undefined>();
  const history = useAsync(
    () => api.getHistory(getCompoundEntityRef(entity)),
    [api, entity],
  );
  const entries = (history.value?.entries ?? [])
    .filter(
      e =>
        e.application === props.app.name &&
        e.instance === props.app.instance &&
        // Older than Argo CD's own history (only the deployment record has it): not reachable.
        e.rollbackable !== false,
    )
    // The deployment running now is the newest entry: rolling back to it does nothing.
    .sort((a, b) => b.id - a.id)
    .slice(1);

  let content: JSX.Element;
  if (history.loading) content = <Progress />;
  else if (history.error)
    content = <ResponseErrorPanel error={history.error} />;
  else if (entries.length === 0)
    content = <Typography>No earlier deployment to roll back to.</Typography>;
  else
    content = (
      <RadioGroup
        aria-label="Deployment to roll back to"
        value={selected === undefined ? '' : String(selected)}
        onChange={e => setSelected(Number(e.target.value))}
      >
        {entries.map(entry => (
          <FormControlLabel
            key={entry.id}
            value={String(entry.id)}
            control={<Radio />}
            label={`#${entry.id} · ${
              entry.images.join(', ') || 'no image'
            } · rev ${shortRevision(entry.revision)}${
              entry.deployedAt
                ? ` · ${new Date(entry.deployedAt).toLocaleString()}`
                : ''
            }`}
          />
        ))}
      </RadioGroup>
    );

  return (
    <Dialog
      open
      onClose={props.onCancel}
      aria-labelledby="rollback-title"
      fullWidth
    >
      <DialogTitle id="rollback-title">Roll back {props.app.name}</DialogTitle>
      <DialogContent>{content}</DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={selected === undefined}
          onClick={() => selected !== undefined && props.onConfirm(selected)}
        >
          Roll back
        </Button>
      </DialogActions>
    </Dialog>
  );
};
