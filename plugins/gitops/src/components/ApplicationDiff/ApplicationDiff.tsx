import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  ApplicationSummary,
  ResourceChangeAction,
  ResourceDiff,
} from '@internal/backstage-plugin-gitops-common';
import { useApplicationDiff } from '../../hooks/useApplicationDiff';
import { AskedDialog } from '../AskedDialog';
import { DiffText } from './DiffText';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  resource: {
    padding: theme.spacing(1.5, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
    '&:last-child': { borderBottom: 'none' },
  },
  heading: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(0.5),
  },
  summary: { margin: theme.spacing(0.5, 0, 1), paddingLeft: theme.spacing(3) },
}));

const ACTION_LABELS: Record<ResourceChangeAction, string> = {
  create: 'create',
  update: 'update',
  // A plain sync leaves it live: saying "prune" alone would promise a deletion.
  prune: 'prune — deleted only by a sync with prune',
};

const ResourceEntry = ({ resource }: { resource: ResourceDiff }) => {
  const classes = useStyles();
  const title = `${resource.kind} ${resource.name}`;
  return (
    <li className={classes.resource} aria-label={title}>
      <div className={classes.heading}>
        <Typography variant="subtitle2" component="h3">
          {title}
        </Typography>
        {resource.namespace && (
          <Typography variant="caption" color="textSecondary">
            ({resource.namespace})
          </Typography>
        )}
        <Chip
          size="small"
          variant="outlined"
          label={ACTION_LABELS[resource.action]}
        />
        {resource.hook && <Chip size="small" label="hook" />}
      </div>
      {resource.summary.length > 0 && (
        <ul className={classes.summary}>
          {resource.summary.map((line, i) => (
            <Typography key={i} component="li" variant="body2">
              {line}
            </Typography>
          ))}
        </ul>
      )}
      {resource.diff && (
        <DiffText text={resource.diff} label={`Diff of ${title}`} />
      )}
    </li>
  );
};

/** The resources of one application whose live state differs from git, asked when opened. */
export const ApplicationDiffDialog = (props: {
  app: ApplicationSummary;
  onClose: () => void;
}) => {
  const classes = useStyles();
  const state = useApplicationDiff(props.app);
  const resources = state.diff?.resources ?? [];
  let content: JSX.Element;
  if (resources.length === 0)
    content = (
      <Typography>Live state matches git: a sync changes nothing.</Typography>
    );
  else
    content = (
      <>
        <Typography variant="body2" color="textSecondary" gutterBottom>
          − lines are live in the cluster, + lines are what git holds.
        </Typography>
        <ul
          className={classes.list}
          aria-label={`Resources of ${props.app.name} that differ from git`}
        >
          {resources.map(r => (
            <ResourceEntry
              key={`${r.group ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name}`}
              resource={r}
            />
          ))}
        </ul>
      </>
    );
  return (
    <AskedDialog
      id="diff-title"
      title={`Diff of ${props.app.name}: live → git`}
      onClose={props.onClose}
      loading={state.loading}
      error={state.error}
      sourceError={state.diff?.error}
      wide
    >
      {content}
    </AskedDialog>
  );
};

/**
 * "Diff": what differs between the live resources of an OutOfSync application and git, i.e.
 * what a sync would change. Offered only for OutOfSync applications; asked only when opened.
 *
 * @public
 */
export const ApplicationDiff = ({ app }: { app: ApplicationSummary }) => {
  const [open, setOpen] = useState(false);
  if (app.sync !== 'OutOfSync') return null;
  return (
    <>
      <Button
        size="small"
        aria-label={`Diff of ${app.name}`}
        onClick={() => setOpen(true)}
      >
        Diff
      </Button>
      {open && (
        <ApplicationDiffDialog app={app} onClose={() => setOpen(false)} />
      )}
    </>
  );
};
