import type { ReactNode } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { EntityEstate } from '@internal/backstage-plugin-gitops-common';
import type { EstateState } from '../../hooks/estateStore';
import { isEstateEntity } from './isEstateEntity';

/**
 * Renders its children on Group and System pages only; elsewhere (a legacy app placing the card
 * on another kind) says where it belongs instead of asking the backend, which would refuse.
 */
export const RequireEstateEntity = ({ children }: { children: ReactNode }) => {
  const { entity } = useEntity();
  if (!isEstateEntity(entity)) {
    return (
      <Typography variant="body2">
        The estate is shown on Group and System pages, not on a {entity.kind}.
      </Typography>
    );
  }
  return <>{children}</>;
};

/**
 * The estate's loading and failure states, shared by the estate cards: a progress bar until the
 * first answer, the error when there is none, and the last answer otherwise (also while a
 * reload is under way).
 */
export const EstateStates = ({
  state,
  children,
}: {
  state: EstateState;
  children: (estate: EntityEstate) => JSX.Element;
}) => {
  if (state.value) return children(state.value);
  if (state.loading) return <Progress />;
  return <ResponseErrorPanel error={state.error ?? new Error('No data')} />;
};
