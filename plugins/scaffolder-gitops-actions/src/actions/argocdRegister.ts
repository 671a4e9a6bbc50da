import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { z } from 'zod/v3';
import { parseInput } from '../lib/input';
import { applyRegistration, planRegistration } from '../lib/register';
import { workspacePath } from '../lib/workspace';
import { examples } from './argocdRegister.examples';

const inputSchema = (zz: typeof z) =>
  zz.object({
    repoPath: zz
      .string({
        description: 'Workspace folder of the checked-out gitops repository',
      })
      .default('.'),
    applicationFiles: zz
      .array(zz.string())
      .min(1)
      .describe(
        'Application manifests to register, relative to repoPath (e.g. the applicationFiles output of gitops:manifests:create)',
      ),
    rootAppFile: zz
      .string({
        description: 'The app-of-apps root Application, relative to repoPath',
      })
      .default('argocd/root.yaml'),
    createRoot: zz
      .object({
        repoUrl: zz.string().min(1),
        appsPath: zz.string().default('argocd/apps'),
        namespace: zz.string().default('argocd'),
        targetRevision: zz.string().default('main'),
      })
      .optional()
      .describe('Creates the root Application when the repository has none'),
  });

/**
 * `gitops:argocd:register`: registers new Applications with an existing app-of-apps root in a
 * checked-out gitops repository (file in the root's folder, kustomization entry if it uses
 * one). Running it twice changes nothing.
 *
 * @public
 */
export function createArgocdRegisterAction() {
  return createTemplateAction({
    id: 'gitops:argocd:register',
    description:
      'Adds Argo CD Applications to the app-of-apps root of a checked-out gitops repository, idempotently.',
    examples,
    supportsDryRun: true,
    schema: {
      input: zz => inputSchema(zz as typeof z),
      output: {
        rootApp: zz => zz.string().describe('Name of the root Application'),
        registered: zz =>
          zz
            .array(zz.string())
            .describe('Names of the Applications registered'),
        changedFiles: zz =>
          zz.array(zz.string()).describe('Files written or removed'),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputSchema(z), ctx.input);
      const repo = workspacePath(ctx.workspacePath, input.repoPath);
      // Refuse paths leaving the repository before reading anything.
      for (const f of [input.rootAppFile, ...input.applicationFiles]) {
        resolveSafeChildPath(repo, f);
      }
      const plan = await planRegistration(repo, {
        rootAppFile: input.rootAppFile,
        applicationFiles: input.applicationFiles,
        createRoot: input.createRoot,
      });
      const changedFiles = [...plan.writes.keys(), ...plan.deletes].sort();
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would change ${changedFiles.join(', ') || 'nothing'}`,
        );
      } else {
        await applyRegistration(repo, plan);
      }
      ctx.logger.info(
        `${plan.registered.join(', ')} registered with root Application '${
          plan.rootApp
        }' (${plan.appsPath}); ${
          changedFiles.length
            ? `changed ${changedFiles.join(', ')}`
            : 'already registered'
        }`,
      );
      ctx.output('rootApp', plan.rootApp);
      ctx.output('registered', plan.registered);
      ctx.output('changedFiles', changedFiles);
    },
  });
}
