import type { ReactNode } from 'react';
import {
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  GITOPS_ANNOTATIONS,
  isGitopsAvailable,
  type EntityOverview,
} from '@internal/backstage-plugin-gitops-common';

/** Renders its children only for entities mapped to Argo CD; otherwise says what to add. */
export const RequireGitopsAnnotations = ({
  children,
}: {
  children: ReactNode;
}) => {
  const { entity } = useEntity();
  if (!isGitopsAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState
        annotation={[
          GITOPS_ANNOTATIONS.argoAppSelector,
          GITOPS_ANNOTATIONS.argoAppName,
        ]}
      />
    );
  }
  return <>{children}</>;
};

/**
 * The overview's loading and failure states, shared by the cards: a progress bar until the
 * first answer, the error when there is none, and the last answer otherwise (also while a
 * reload is under way).
 */
export const OverviewStates = ({
  state,
  children,
}: {
  state: { loading: boolean; value?: EntityOverview; error?: Error };
  children: (overview: EntityOverview) => JSX.Element;
}) => {
  if (state.value) return children(state.value);
  if (state.loading) return <Progress />;
  return <ResponseErrorPanel error={state.error ?? new Error('No data')} />;
};
