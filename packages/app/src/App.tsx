import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import gitopsPlugin from '@internal/backstage-plugin-gitops';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';

export default createApp({
  features: [catalogPlugin, gitopsPlugin, navModule, homeModule],
});
