import {
  InfoCard,
  MissingAnnotationEmptyState,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import {
  GITOPS_ANNOTATIONS,
  isGitopsAvailable,
} from '@internal/backstage-plugin-gitops-common';

/**
 * Per-environment view of the entity's GitOps state. For now it names the Argo CD
 * applications the entity maps to; the environment matrix fills it in.
 *
 * @public
 */
export const EntityGitopsEnvironmentsCard = () => {
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
  const annotations = entity.metadata.annotations ?? {};
  const selector = annotations[GITOPS_ANNOTATIONS.argoAppSelector];
  const names = annotations[GITOPS_ANNOTATIONS.argoAppName];
  return (
    <InfoCard title="GitOps">
      <Typography variant="body2">
        {selector
          ? `Argo CD applications matching ${selector}`
          : `Argo CD applications ${names}`}
      </Typography>
    </InfoCard>
  );
};
