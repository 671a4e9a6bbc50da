import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';
import { manifestsCreateInput, resolveServiceSpec } from '../lib/input';
import { loadModels } from '../lib/models';
import { GeneratedObjectError, renderService } from '../lib/render';
import { appProjectFile, namespaceOf } from '../lib/render/naming';
import {
  mergeAppProject,
  mergeRegistry,
  readIfExists,
  workspacePath,
  writeFiles,
} from '../lib/workspace';
import { examples } from './manifestsCreate.examples';

/**
 * `gitops:manifests:create`: writes the gitops manifests of a new service for every environment
 * (Kustomize base + overlays or a Helm chart with values per environment), its Argo CD
 * Applications, Velero schedules, version registry entries and catalog-info.yaml.
 *
 * @public
 */
export function createManifestsCreateAction(options?: {
  /** Clock for `deployed_at` in the version registry (tests). */
  now?: () => Date;
}) {
  const now = options?.now ?? (() => new Date());
  return createTemplateAction({
    id: 'gitops:manifests:create',
    description:
      'Writes the GitOps manifests of a new service for every environment, with the team policy as defaults.',
    examples,
    supportsDryRun: true,
    schema: {
      input: zz => manifestsCreateInput(zz as typeof z),
      output: {
        files: zz =>
          zz
            .array(zz.string())
            .describe('Files written, relative to targetPath'),
        applications: zz =>
          zz.array(zz.string()).describe('Argo CD Application names'),
        applicationFiles: zz =>
          zz
            .array(zz.string())
            .describe('Application manifests, relative to targetPath'),
        repoPath: zz =>
          zz.string().describe('Path of the service in the gitops repository'),
        catalogInfoPath: zz =>
          zz.string().describe('Workspace path of the catalog-info.yaml'),
      },
    },
    async handler(ctx) {
      const spec = resolveServiceSpec(ctx.input);
      const models = await loadModels();
      let rendered;
      try {
        rendered = renderService(models, spec);
      } catch (e) {
        if (e instanceof GeneratedObjectError) throw new InputError(e.message);
        throw e;
      }
      const root = workspacePath(ctx.workspacePath, spec.targetPath);

      const registryFile = `${spec.basePrefix}registry/versions.yaml`;
      const deployedAt = now().toISOString();
      const deployedBy = ctx.user?.ref ?? 'backstage-scaffolder';
      rendered.files.set(
        registryFile,
        mergeRegistry(
          await readIfExists(workspacePath(root, registryFile)),
          spec.name,
          spec.environments.map(env => ({
            env: env.name,
            version: spec.tag,
            deployedAt,
            deployedBy,
          })),
        ),
      );

      // A team's AppProject may exist already: extend it rather than replace it.
      const projectFile = appProjectFile(spec);
      const existingProject = rendered.files.has(projectFile)
        ? await readIfExists(workspacePath(root, projectFile))
        : undefined;
      if (existingProject !== undefined) {
        rendered.files.set(
          projectFile,
          mergeAppProject(
            existingProject,
            spec.repoUrl,
            spec.environments.map(env => ({
              server: spec.argocd.server,
              namespace: namespaceOf(spec.name, env.name),
            })),
          ),
        );
      }

      // Another service of the same name, or this one scaffolded with other inputs: refuse
      // rather than silently replace what is deployed (the merged files are not concerned).
      if (!spec.overwrite) {
        const conflicts: string[] = [];
        for (const [file, content] of rendered.files) {
          if (file === registryFile || file === projectFile) continue;
          const existing = await readIfExists(workspacePath(root, file));
          if (existing !== undefined && existing !== content)
            conflicts.push(file);
        }
        if (conflicts.length) {
          throw new InputError(
            `name: '${
              spec.name
            }' already exists in the gitops repository with other content (${conflicts
              .slice(0, 5)
              .join(', ')}${
              conflicts.length > 5 ? ', …' : ''
            }); choose another name or set overwrite`,
          );
        }
      }

      const dryRun = Boolean(ctx.isDryRun);
      const result = await writeFiles(root, rendered.files, {
        dryRun,
        logger: ctx.logger,
      });
      const catalog = await writeFiles(
        ctx.workspacePath,
        new Map([[spec.catalogInfoPath, rendered.catalogInfo]]),
        { dryRun, logger: ctx.logger },
      );
      ctx.logger.info(
        `${dryRun ? 'Dry run: ' : ''}${spec.name}: ${
          result.written.length + catalog.written.length
        } file(s) written, ${
          result.unchanged.length + catalog.unchanged.length
        } unchanged (${spec.layout}, ${spec.environments
          .map(e => e.name)
          .join(', ')})`,
      );

      ctx.output('files', [...rendered.files.keys()].sort());
      ctx.output('applications', rendered.applications);
      ctx.output('applicationFiles', rendered.applicationFiles);
      ctx.output('repoPath', rendered.repoPath);
      ctx.output('catalogInfoPath', spec.catalogInfoPath);
    },
  });
}
