import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import { git } from '../lib/git';
import { fileUrl, type RepositoryDefaults } from '../lib/repositoryConfig';
import { workspacePath } from '../lib/workspace';
import { examples } from './repoPush.examples';

const MAX_ATTEMPTS = 3;

/**
 * `gitops:repo:push`: commits everything changed in a checkout made by `gitops:repo:clone` and
 * pushes it to its branch. Nothing changed → nothing is committed (a retry is a no-op). A push
 * that lost a race is rebased onto the new tip and tried again; a real conflict fails with
 * git's message, and nothing is overwritten.
 *
 * @public
 */
export function createRepoPushAction(
  defaults: RepositoryDefaults = { branch: 'main' },
) {
  return createTemplateAction({
    id: 'gitops:repo:push',
    description:
      'Commits the changes of a gitops checkout and pushes them to its branch.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string({ description: 'The checkout in the workspace' })
            .default('./gitops'),
        commitMessage: z => z.string({ description: 'Commit message' }).min(1),
        author: z =>
          z
            .object({ name: z.string().min(1), email: z.string().email() })
            .optional()
            .describe('Commit author (default: the Backstage scaffolder)'),
        fileUrlPaths: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Files to return readable URLs of (gitops.repository.fileUrlTemplate)',
            ),
      },
      output: {
        commit: z => z.string().describe('The commit now at the tip'),
        pushed: z =>
          z.boolean().describe('False when there was nothing to commit'),
        fileUrls: z =>
          z.array(z.string()).describe('Readable URLs of fileUrlPaths'),
      },
    },
    async handler(ctx) {
      const cwd = workspacePath(
        ctx.workspacePath,
        ctx.input.path ?? './gitops',
      );
      const author = ctx.input.author ?? {
        name: 'Backstage scaffolder',
        email: 'scaffolder@backstage.local',
      };
      const branch = (
        await git(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd }).catch(() => {
          throw new InputError(
            `path: ${ctx.input.path} is not a git checkout (run gitops:repo:clone first)`,
          );
        })
      ).trim();
      ctx.output(
        'fileUrls',
        (ctx.input.fileUrlPaths ?? []).map(p => {
          const url = fileUrl(defaults.fileUrlTemplate, branch, p);
          if (!url) {
            throw new InputError(
              'fileUrlPaths: gitops.repository.fileUrlTemplate is not configured',
            );
          }
          return url;
        }),
      );
      await git(['add', '-A'], { cwd });
      const changed =
        (await git(['status', '--porcelain'], { cwd })).trim() !== '';
      if (ctx.isDryRun || !changed) {
        ctx.logger.info(
          ctx.isDryRun ? 'Dry run: nothing pushed' : 'Nothing to commit',
        );
        ctx.output(
          'commit',
          (await git(['rev-parse', 'HEAD'], { cwd })).trim(),
        );
        ctx.output('pushed', false);
        return;
      }
      await git(['commit', '-q', '-m', ctx.input.commitMessage], {
        cwd,
        author,
      });
      for (let attempt = 1; ; attempt++) {
        try {
          await git(['push', '-q', 'origin', `HEAD:refs/heads/${branch}`], {
            cwd,
          });
          break;
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS) throw error;
          ctx.logger.info(
            `Push rejected (attempt ${attempt}), rebasing onto ${branch}`,
          );
          await git(['pull', '-q', '--rebase', 'origin', branch], {
            cwd,
            author,
          });
        }
      }
      const commit = (await git(['rev-parse', 'HEAD'], { cwd })).trim();
      ctx.logger.info(`Pushed ${commit} to ${branch}`);
      ctx.output('commit', commit);
      ctx.output('pushed', true);
    },
  });
}
