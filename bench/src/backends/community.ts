/**
 * A backend with the community Argo CD backend plugin, installed the way its README says, plus
 * the auth backend with the guest provider (the load generator signs in like a browser does) and
 * the permission backend with the allow-all policy: the plugin checks `argocd.view.read` on
 * every request, and the app's frontend asks for it too (`permission.enabled: true`, as in this
 * repository's app). Run by bench/src/run.ts with `--config <file>`.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(import('@backstage-community/plugin-argocd-backend'));
backend.start();
