import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import type { ApplicationSummary } from '@internal/backstage-plugin-gitops-common';

export const ConfirmSyncDialog = (props: {
  open: boolean;
  app: ApplicationSummary;
  onCancel: () => void;
  onConfirm: () => void;
}) => (
  <Dialog
    open={props.open}
    onClose={props.onCancel}
    aria-labelledby="sync-title"
  >
    <DialogTitle id="sync-title">Sync {props.app.name}?</DialogTitle>
    <DialogContent>
      <DialogContentText>
        Argo CD instance {props.app.instance} applies what git holds for{' '}
        {props.app.name} to namespace{' '}
        {props.app.destination?.namespace ?? 'of the application'}. It is
        currently {props.app.sync} and {props.app.health}.
      </DialogContentText>
    </DialogContent>
    <DialogActions>
      <Button onClick={props.onCancel}>Cancel</Button>
      <Button color="primary" variant="contained" onClick={props.onConfirm}>
        Sync
      </Button>
    </DialogActions>
  </Dialog>
);
