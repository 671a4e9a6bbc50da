import { useState } from 'react';
import { useEntity } from '@backstage/plugin-catalog-react';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import { makeStyles } from '@material-ui/core/styles';
import type {
  EntityOverview,
  EnvironmentOverview,
} from '@internal/backstage-plugin-gitops-common';
import { PromoteDialog } from '../PromoteDialog';

const useStyles = makeStyles(theme => ({
  differs: { color: theme.palette.warning.dark },
}));

/** Why the promotion can't be started here, or undefined when it can. */
function blockedReason(
  overview: Pick<EntityOverview, 'permissions' | 'promotionsConfigured'>,
  entityName: string,
): string | undefined {
  if (!overview.promotionsConfigured) {
    return 'Promotion is not configured on this portal (gitops.repository)';
  }
  if (!overview.permissions.promote) {
    return `You are not allowed to promote ${entityName}`;
  }
  return undefined;
}

/**
 * Between two environments: a plain arrow when they run the same version; when the left one runs
 * a version the right one doesn't, the (amber) entry point of its promotion. It stays visible,
 * disabled with the reason, when the user may not promote or the portal has no gitops repository.
 * The decision comes with the overview (`permissions.promote`, `promotionsConfigured`).
 */
export const PromotionGap = ({
  from,
  to,
  overview,
}: {
  from: EnvironmentOverview;
  to: EnvironmentOverview;
  overview: Pick<EntityOverview, 'permissions' | 'promotionsConfigured'>;
}) => {
  const classes = useStyles();
  const { entity } = useEntity();
  const [open, setOpen] = useState(false);
  const differs =
    from.version.version !== undefined &&
    from.version.version !== to.version.version;
  if (!differs) {
    const same = `${from.name} and ${to.name} run the same version`;
    return (
      <Tooltip title={same}>
        <ArrowForwardIcon aria-label={same} fontSize="small" color="disabled" />
      </Tooltip>
    );
  }
  const label = `Promote ${from.version.version} to ${to.name}`;
  const state = `${to.name} runs ${to.version.version ?? 'another version'}; ${
    from.name
  } runs ${from.version.version}`;
  const reason = blockedReason(overview, entity.metadata.name);
  return (
    <>
      <Tooltip title={`${state}. ${reason ?? label}`}>
        <span>
          <IconButton
            size="small"
            aria-label={reason ? `${state}. ${reason}` : label}
            className={classes.differs}
            disabled={Boolean(reason)}
            onClick={() => setOpen(true)}
          >
            <ArrowForwardIcon fontSize="small" />
          </IconButton>
        </span>
      </Tooltip>
      {open && (
        <PromoteDialog
          from={from.name}
          to={to.name}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
};
