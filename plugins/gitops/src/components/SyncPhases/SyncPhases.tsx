import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  ApplicationOperation,
  SyncTask,
} from '@internal/backstage-plugin-gitops-common';

const PHASES = ['PreSync', 'Sync', 'PostSync', 'SyncFail'] as const;

const useStyles = makeStyles(theme => ({
  phases: { margin: theme.spacing(0.5, 0, 0), padding: 0, listStyle: 'none' },
  failed: { color: theme.palette.error.main },
}));

const failedTask = (t: SyncTask) =>
  t.status === 'SyncFailed' ||
  t.hookPhase === 'Failed' ||
  t.hookPhase === 'Error';

const taskName = (t: SyncTask) => `${t.kind}/${t.name}`;

/** `PreSync hook Job/payments-migrate` or `Deployment/payments-api`. */
export const describeTask = (t: SyncTask) =>
  t.hookType ? `${t.hookType} hook ${taskName(t)}` : taskName(t);

/**
 * What a sync ran, phase by phase as Argo CD runs them (PreSync → Sync → PostSync, SyncFail
 * when it failed): each phase's hooks with their state (the migration job of a release shows
 * here), how many resources it applied, and the task that failed the sync with its message.
 * Retries show as attempts.
 *
 * @public
 */
export const SyncPhases = ({
  operation,
}: {
  operation: ApplicationOperation;
}) => {
  const classes = useStyles();
  const tasks = operation.tasks ?? [];
  const failed = tasks.find(failedTask);
  const phases = PHASES.map(phase => {
    const inPhase = tasks.filter(t => (t.syncPhase ?? 'Sync') === phase);
    const hooks = inPhase.filter(t => t.hookType);
    const resources = inPhase.length - hooks.length;
    return { phase, hooks, resources };
  }).filter(p => p.hooks.length || p.resources);
  const { retry } = operation;
  if (!phases.length && !retry?.count) return null;
  return (
    <>
      {failed && (
        <Typography
          variant="caption"
          display="block"
          className={classes.failed}
        >
          Failed at {describeTask(failed)}
          {failed.message ? `: ${failed.message}` : ''}
        </Typography>
      )}
      {retry && retry.count > 0 && (
        <Typography variant="caption" display="block">
          Attempt {retry.count + 1}
          {retry.limit ? ` of ${retry.limit + 1}` : ''}
        </Typography>
      )}
      <ul className={classes.phases} aria-label="Sync phases">
        {phases.map(p => (
          <li key={p.phase}>
            <Typography variant="caption">
              <strong>{p.phase}</strong>
              {p.resources
                ? ` · ${p.resources} resource${p.resources === 1 ? '' : 's'}`
                : ''}
              {p.hooks.map(h => (
                <span
                  key={`${h.kind}/${h.name}`}
                  className={failedTask(h) ? classes.failed : undefined}
                >
                  {` · ${taskName(h)} ${h.hookPhase ?? ''}`}
                </span>
              ))}
            </Typography>
          </li>
        ))}
      </ul>
    </>
  );
};
