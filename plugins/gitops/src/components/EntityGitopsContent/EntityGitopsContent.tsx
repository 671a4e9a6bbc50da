import { Content } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { EntityGitopsEnvironmentsCard } from '../EntityGitopsEnvironmentsCard';
import { EntityGitopsSyncCard } from '../EntityGitopsSyncCard';
import { EntityGitopsCostCard } from '../EntityGitopsCostCard';
import { EntityGitopsBackupCard } from '../EntityGitopsBackupCard';
import { DeploymentHistory } from '../DeploymentHistory';
import { EntityGitopsDoraCard } from '../EntityGitopsDoraCard';
import { ResourceTree } from '../ResourceTree';
import { PromotionsList } from '../PromotionsList';
import { RolloutCanary } from '../RolloutCanary';
import { RequireGitopsAnnotations } from '../GitopsCardStates';

/**
 * The GitOps tab: the environment matrix, the applications with their actions, the canaries of
 * their Argo Rollouts (only when there are some), deployment history and the DORA figures drawn
 * from it, the resource tree, cost and backups.
 *
 * @public
 */
export const EntityGitopsContent = () => (
  <Content>
    <RequireGitopsAnnotations>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <EntityGitopsEnvironmentsCard />
        </Grid>
        <Grid item xs={12}>
          <EntityGitopsSyncCard />
        </Grid>
        <RolloutCanary
          wrap={card => (
            <Grid item xs={12}>
              {card}
            </Grid>
          )}
        />
        <Grid item xs={12}>
          <PromotionsList />
        </Grid>
        <Grid item xs={12}>
          <DeploymentHistory />
        </Grid>
        <Grid item xs={12}>
          <EntityGitopsDoraCard />
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
    </RequireGitopsAnnotations>
  </Content>
);
