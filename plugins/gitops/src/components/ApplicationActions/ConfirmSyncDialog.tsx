import { useState } from 'react';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Progress } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormHelperText from '@material-ui/core/FormHelperText';
import Typography from '@material-ui/core/Typography';
import type {
  ApplicationSummary,
  EntityPermissions,
  ResourceDiff,
  SyncOptions,
} from '@internal/backstage-plugin-gitops-common';
import { useApplicationDiff } from '../../hooks/useApplicationDiff';

/** One line of "This sync will change:", e.g. `Deployment payments-api (image 1.3.0 → 1.3.1)`. */
export function describeChange(r: ResourceDiff, prune: boolean): string {
  const what = `${r.kind} ${r.name}${r.hook ? ' (hook)' : ''}`;
  const summary = r.summary.join('; ');
  switch (r.action) {
    case 'create':
      return `${what} (created${summary ? `: ${summary}` : ''})`;
    case 'prune':
      return prune
        ? `${what} (deleted: git no longer holds it)`
        : `${what} (no longer in git; kept, as Prune is off)`;
    default:
      return `${what} (${summary || 'updated'})`;
  }
}

/** What the sync will change, loading alongside the dialog: the Sync button never waits for it. */
const SyncChanges = (props: {
  app: ApplicationSummary;
  prune: boolean;
  dryRun: boolean;
}) => {
  const state = useApplicationDiff(props.app);
  const heading = props.dryRun
    ? 'A dry run checks, without changing anything:'
    : 'This sync will change:';
  const failure = state.error?.message ?? state.diff?.error;
  let content: JSX.Element;
  if (state.loading) content = <Progress />;
  else if (failure)
    content = (
      <Typography variant="body2" color="error">
        The changes could not be loaded ({failure}); the sync can still run.
      </Typography>
    );
  else if (!state.diff?.resources.length)
    content = (
      <Typography variant="body2">Nothing: live state matches git.</Typography>
    );
  else
    content = (
      <ul aria-label="Changes of the sync" style={{ margin: 0 }}>
        {state.diff.resources.map(r => (
          <Typography
            key={`${r.group ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name}`}
            component="li"
            variant="body2"
          >
            {describeChange(r, props.prune)}
          </Typography>
        ))}
      </ul>
    );
  return (
    <>
      <Typography variant="subtitle2" component="h3">
        {heading}
      </Typography>
      {content}
    </>
  );
};

/**
 * Confirms a sync, listing what it changes, with its options: Prune (needs
 * `gitops.application.prune`) and Dry run. Mounted only while open, so each opening asks the
 * diff once and starts with both options off.
 */
export const ConfirmSyncDialog = (props: {
  app: ApplicationSummary;
  permissions: EntityPermissions | undefined;
  onCancel: () => void;
  /** Only the chosen options: `{}` for a plain sync. */
  onConfirm: (options: SyncOptions) => void;
}) => {
  const { entity } = useEntity();
  const [prune, setPrune] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const mayPrune = props.permissions?.prune === true;
  const options: SyncOptions = {
    ...(prune ? { prune: true } : {}),
    ...(dryRun ? { dryRun: true } : {}),
  };
  return (
    <Dialog
      open
      onClose={props.onCancel}
      aria-labelledby="sync-title"
      fullWidth
    >
      <DialogTitle id="sync-title">Sync {props.app.name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Argo CD instance {props.app.instance} applies what git holds for{' '}
          {props.app.name} to namespace{' '}
          {props.app.destination?.namespace ?? 'of the application'}. It is
          currently {props.app.sync} and {props.app.health}.
        </DialogContentText>
        <SyncChanges app={props.app} prune={prune} dryRun={dryRun} />
        <FormGroup style={{ marginTop: 16 }}>
          <FormControlLabel
            label="Prune"
            control={
              <Checkbox
                checked={prune}
                disabled={!mayPrune}
                onChange={e => setPrune(e.target.checked)}
                inputProps={{ 'aria-describedby': 'sync-prune-help' }}
              />
            }
          />
          <FormHelperText id="sync-prune-help">
            {mayPrune
              ? 'Also deletes live resources that git no longer holds.'
              : `You are not allowed to prune applications of ${entity.metadata.name}.`}
          </FormHelperText>
          <FormControlLabel
            label="Dry run"
            control={
              <Checkbox
                checked={dryRun}
                onChange={e => setDryRun(e.target.checked)}
                inputProps={{ 'aria-describedby': 'sync-dry-run-help' }}
              />
            }
          />
          <FormHelperText id="sync-dry-run-help">
            Argo CD checks the sync and changes nothing.
          </FormHelperText>
        </FormGroup>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={() => props.onConfirm(options)}
        >
          {dryRun ? 'Dry run' : 'Sync'}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
