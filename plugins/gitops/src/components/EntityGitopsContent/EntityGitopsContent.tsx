import {
  Content,
  MissingAnnotationEmptyState,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import {
  GITOPS_ANNOTATIONS,
  isGitopsAvailable,
} from '@internal/backstage-plugin-gitops-common';
import { EntityGitopsEnvironmentsCard } from '../EntityGitopsEnvironmentsCard';
import { EntityGitopsSyncCard } from '../EntityGitopsSyncCard';
import { EntityGitopsCostCard } from '../EntityGitopsCostCard';
import { EntityGitopsBackupCard } from '../EntityGitopsBackupCard';
import { DeploymentHistory } from '../DeploymentHistory';
import { ResourceTree } from '../ResourceTree';

/**
 * The GitOps tab: the environment matrix, the applications with their actions, deployment
 * history, the resource tree, cost and backups.
 *
 * @public
 */
export const EntityGitopsContent = () => {
  const { entity } = useEntity();
  if (!isGitopsAvailable(entity)) {
    return (
      <Content>
        <MissingAnnotationEmptyState
          annotation={[
            GITOPS_ANNOTATIONS.argoAppSelector,
            GITOPS_ANNOTATIONS.argoAppName,
          ]}
        />
      </Content>
    );
  }
  return (
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <EntityGitopsEnvironmentsCard />
        </Grid>
        <Grid item xs={12}>
          <EntityGitopsSyncCard />
        </Grid>
        <Grid item xs={12}>
          <DeploymentHistory />
        </Grid>
        <Grid item xs={12} md={6}>
          <ResourceTree />
        </Grid>
        <Grid item xs={12} md={6}>
          <EntityGitopsBackupCard />
        </Grid>
        <Grid item xs={12}>
          <EntityGitopsCostCard />
        </Grid>
      </Grid>
    </Content>
  );
};
