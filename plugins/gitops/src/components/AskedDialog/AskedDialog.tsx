import type { ReactNode } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';

/**
 * A read-only dialog over something asked when a person opens it (an application's events, its
 * diff): a progress bar while it loads, the request's error, or the error its source reported
 * for that application; otherwise the content. `wide` for content that needs room to scroll.
 */
export const AskedDialog = (props: {
  /** Id of the title, for `aria-labelledby`. */
  id: string;
  title: ReactNode;
  onClose: () => void;
  loading: boolean;
  error?: Error;
  /** The application's own error (its source could not be asked), safe to show. */
  sourceError?: string;
  wide?: boolean;
  children: ReactNode;
}) => {
  let content: ReactNode;
  if (props.loading) content = <Progress />;
  else if (props.error) content = <ResponseErrorPanel error={props.error} />;
  else if (props.sourceError)
    content = <Typography color="error">{props.sourceError}</Typography>;
  else content = props.children;
  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby={props.id}
      fullWidth
      {...(props.wide
        ? { maxWidth: 'md' as const, scroll: 'paper' as const }
        : {})}
    >
      <DialogTitle id={props.id}>{props.title}</DialogTitle>
      <DialogContent dividers={props.wide}>{content}</DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
};
