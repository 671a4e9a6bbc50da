/*
 * Renders a service's gitops manifests in memory (`renderService`); the objects and layout
 * steps it assembles are in `render/`. Other modules import from here.
 */
import { ServiceSpec } from './input';
import { Models } from './models';
import { appProjectFile, servicePath } from './render/naming';
import { ARGOCD_FINALIZER, application, appProject } from './render/argocd';
import { catalogInfo } from './render/catalogInfo';
import {
  GeneratedObject,
  GeneratedObjectError,
  RenderCollector,
} from './render/collector';
import { renderHelmChart } from './render/helmLayout';
import { renderKustomizeLayout } from './render/kustomizeLayout';
import { veleroSchedule } from './render/velero';

export { ARGOCD_FINALIZER, GeneratedObjectError };
export type { GeneratedObject };

/** Everything `gitops:manifests:create` writes, before touching the workspace. */
export type RenderedService = {
  /** Path (relative to the gitops repo root) → content. */
  files: Map<string, string>;
  /** Every Kubernetes object built and validated, per environment for the workloads. */
  objects: GeneratedObject[];
  /** Names of the Argo CD Applications, in environment order. */
  applications: string[];
  /** Repo paths of the Application manifests. */
  applicationFiles: string[];
  /** `gitops/repo-path` of the service. */
  repoPath: string;
  /** The catalog entity (written to `catalogInfoPath`). */
  catalogInfo: string;
};

/**
 * Builds every file of the service, validating each object; touches nothing. The layout
 * (`render/kustomizeLayout.ts` or `render/helmLayout.ts`) comes first, then the Argo CD
 * Applications and Velero schedules per environment, the AppProject and the catalog entity.
 */
export function renderService(m: Models, spec: ServiceSpec): RenderedService {
  const out = new RenderCollector();
  const p = spec.basePrefix;

  if (spec.layout === 'kustomize') renderKustomizeLayout(m, spec, out);
  else renderHelmChart(m, spec, out);

  const applications: string[] = [];
  const applicationFiles: string[] = [];
  for (const env of spec.environments) {
    const app = application(m, spec, env);
    const file = `${p}argocd/apps/${spec.name}-${env.name}.yaml`;
    out.add(file, app);
    applications.push(app.metadata.name!);
    applicationFiles.push(file);

    const schedule = veleroSchedule(spec, env);
    if (schedule) {
      out.addPlain(
        `${p}backup/${spec.name}-${env.name}-schedule.yaml`,
        schedule,
      );
    }
  }
  if (spec.argocd.createProject) {
    out.add(appProjectFile(spec), appProject(m, spec));
  }

  return {
    files: out.files,
    objects: out.objects,
    applications,
    applicationFiles,
    repoPath: servicePath(spec),
    catalogInfo: catalogInfo(spec),
  };
}
