/**
 * A backend with Roadie's Argo CD backend plugin, installed the way its README says (4.8.0
 * exports the plugin as the package's default; there is no `/alpha` entry point), plus the auth
 * backend with the guest provider so the load generator signs in like a browser does.
 * Run by bench/src/run.ts with `--config <file>`.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@roadiehq/backstage-plugin-argo-cd-backend'));
backend.start();
