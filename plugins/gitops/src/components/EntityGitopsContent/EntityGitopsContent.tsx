import { Content } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { EntityGitopsEnvironmentsCard } from '../EntityGitopsEnvironmentsCard';

/**
 * The GitOps tab of an entity page.
 *
 * @public
 */
export const EntityGitopsContent = () => (
  <Content>
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <EntityGitopsEnvironmentsCard />
      </Grid>
    </Grid>
  </Content>
);
