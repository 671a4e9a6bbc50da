import fs from 'node:fs/promises';
import path from 'node:path';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import { git, maskCredentials } from '../lib/git';
import type { RepositoryDefaults } from '../lib/repositoryConfig';
import { workspacePath } from '../lib/workspace';
import { examples } from './repoClone.examples';

/**
 * `gitops:repo:clone`: checks out the gitops repository into the workspace, so the manifests
 * of a new service land next to the existing ones. Retrying reuses the checkout, reset to the
 * branch's tip.
 *
 * @public
 */
export function createRepoCloneAction(
  defaults: RepositoryDefaults = { branch: 'main' },
) {
  return createTemplateAction({
    id: 'gitops:repo:clone',
    description:
      'Checks out the gitops repository (default: gitops.repository from app-config) into the workspace.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoUrl: z =>
          z
            .string({
              description: 'Git URL; defaults to gitops.repository.url',
            })
            .min(1)
            .optional(),
        branch: z =>
          z
            .string({
              description:
                'Branch; defaults to gitops.repository.branch or main',
            })
            .min(1)
            .optional(),
        targetPath: z =>
          z
            .string({ description: 'Workspace folder to check out into' })
            .default('./gitops'),
      },
      output: {
        repoUrl: z => z.string().describe('The repository checked out'),
        branch: z => z.string().describe('Its branch'),
        commit: z => z.string().describe('The commit checked out'),
      },
    },
    async handler(ctx) {
      const repoUrl = ctx.input.repoUrl ?? defaults.url;
      if (!repoUrl) {
        throw new InputError(
          'repoUrl: no repository given and gitops.repository.url is not configured',
        );
      }
      const branch = ctx.input.branch ?? defaults.branch;
      const target = workspacePath(
        ctx.workspacePath,
        ctx.input.targetPath ?? './gitops',
      );
      ctx.output('repoUrl', repoUrl);
      ctx.output('branch', branch);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would check out ${maskCredentials(repoUrl)} (${branch})`,
        );
        ctx.output('commit', 'dry-run');
        return;
      }
      const existing = await fs
        .stat(path.join(target, '.git'))
        .then(() => true)
        .catch(() => false);
      if (existing) {
        await git(['fetch', '-q', 'origin', branch], { cwd: target });
        await git(['checkout', '-q', '-B', branch, `origin/${branch}`], {
          cwd: target,
        });
        await git(['reset', '-q', '--hard', `origin/${branch}`], {
          cwd: target,
        });
        await git(['clean', '-qfd'], { cwd: target });
      } else {
        await fs.mkdir(path.dirname(target), { recursive: true });
        await git(['clone', '-q', '--branch', branch, repoUrl, target]);
      }
      const commit = (await git(['rev-parse', 'HEAD'], { cwd: target })).trim();
      ctx.logger.info(
        `Checked out ${maskCredentials(repoUrl)} ${branch} at ${commit}`,
      );
      ctx.output('commit', commit);
    },
  });
}
