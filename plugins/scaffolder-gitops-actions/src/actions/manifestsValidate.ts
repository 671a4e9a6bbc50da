import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';
import { parseInput } from '../lib/input';
import { loadModels } from '../lib/models';
import { formatProblems, validateManifests } from '../lib/validateManifests';
import { workspacePath } from '../lib/workspace';
import { examples } from './manifestsValidate.examples';

const inputSchema = (zz: typeof z) =>
  zz.object({
    path: zz
      .string({ description: 'Workspace folder to validate' })
      .default('.'),
    failOnUnknown: zz
      .boolean({
        description: 'Fail on objects of a type with no known schema',
      })
      .default(false),
  });

/**
 * `gitops:manifests:validate`: validates every manifest under a workspace folder and fails
 * naming the file and the field, so a template stops before publishing something broken.
 *
 * @public
 */
export function createManifestsValidateAction() {
  return createTemplateAction({
    id: 'gitops:manifests:validate',
    description:
      'Validates the Kubernetes, Argo CD, External/Sealed Secrets and Velero manifests of a workspace folder against their schemas.',
    examples,
    supportsDryRun: true,
    schema: {
      input: zz => inputSchema(zz as typeof z),
      output: {
        checked: zz => zz.number().describe('Objects validated'),
        skipped: zz =>
          zz.array(zz.string()).describe('Files with objects of unknown types'),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputSchema(z), ctx.input);
      const root = workspacePath(ctx.workspacePath, input.path);
      const report = await validateManifests(root, await loadModels());
      const problems = [...report.problems];
      if (input.failOnUnknown) {
        for (const s of report.skipped) {
          problems.push({
            file: s.file,
            document: 0,
            field: 'apiVersion',
            message: `no schema known for ${s.type}`,
          });
        }
      }
      if (problems.length) {
        throw new InputError(
          `${problems.length} invalid manifest field(s):\n${formatProblems(
            problems,
          )}`,
        );
      }
      for (const s of report.skipped) {
        ctx.logger.warn(
          `${s.file}: no schema known for ${s.type}, not validated`,
        );
      }
      ctx.logger.info(`${report.checked} object(s) valid under ${input.path}`);
      ctx.output('checked', report.checked);
      ctx.output('skipped', [...new Set(report.skipped.map(s => s.file))]);
    },
  });
}
