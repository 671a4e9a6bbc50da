import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { RolloutStatus } from '@internal/backstage-plugin-gitops-common';

const useStyles = makeStyles(theme => ({
  steps: { margin: theme.spacing(0.5, 0), paddingLeft: theme.spacing(3) },
  done: { color: theme.palette.text.secondary },
  current: { fontWeight: theme.typography.fontWeightBold as number },
}));

/**
 * The canary steps in order: the current one marked with `aria-current="step"` and the word
 * "current", the ones before it "done" (text, not colour alone).
 */
export const RolloutSteps = ({
  rollout,
  name,
}: {
  rollout: RolloutStatus;
  /** e.g. `schedule-bot in dev` */
  name: string;
}) => {
  const classes = useStyles();
  const { steps } = rollout;
  if (steps.length === 0) return null;
  const current = rollout.currentStepIndex ?? 0;
  return (
    <>
      <Typography variant="body2">
        {current >= steps.length
          ? `All ${steps.length} steps done`
          : `Step ${current + 1} of ${steps.length}`}
      </Typography>
      <ol className={classes.steps} aria-label={`Steps of ${name}`}>
        {steps.map((step, i) => {
          const isCurrent = i === current;
          const done = i < current;
          return (
            <Typography
              // Steps are positional: the same label can repeat (two `Pause 10m`).
              // eslint-disable-next-line react/no-array-index-key
              key={i}
              component="li"
              variant="body2"
              aria-current={isCurrent ? 'step' : undefined}
              className={
                (isCurrent && classes.current) ||
                (done && classes.done) ||
                undefined
              }
            >
              {step.label}
              {isCurrent && ' · current'}
              {done && ' · done'}
            </Typography>
          );
        })}
      </ol>
    </>
  );
};
