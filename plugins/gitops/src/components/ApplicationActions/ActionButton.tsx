import { useEntity } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';

export type ActionButtonProps = {
  label: string;
  /** The button's accessible name when the label alone is ambiguous, e.g. `Promote schedule-bot in dev`. */
  name?: string;
  /** The policy's decision; undefined while the overview carrying it loads. */
  allowed: boolean | undefined;
  /** Shown when `allowed` is false; by default "not allowed to <label> applications of <entity>". */
  deniedReason?: string;
  blockedReason?: string;
  busy: boolean;
  onClick: () => void;
};

/** A button that is disabled, with the reason in its tooltip, when the user may not use it. */
export const ActionButton = (props: ActionButtonProps) => {
  const { entity } = useEntity();
  let reason = props.blockedReason;
  if (props.allowed === false) {
    reason =
      props.deniedReason ??
      `You are not allowed to ${props.label.toLocaleLowerCase(
        'en-US',
      )} applications of ${entity.metadata.name}`;
  }
  const button = (
    <Button
      size="small"
      aria-label={props.name}
      disabled={!props.allowed || props.busy || Boolean(props.blockedReason)}
      onClick={props.onClick}
    >
      {props.label}
    </Button>
  );
  // A disabled button fires no events and takes no focus, so the tooltip sits on a wrapper that
  // keyboard users can reach to read why.
  return reason ? (
    <Tooltip title={reason}>
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <span tabIndex={0} aria-label={`${props.name ?? props.label}: ${reason}`}>
        {button}
      </span>
    </Tooltip>
  ) : (
    button
  );
};
