import { parse, parseAllDocuments } from 'yaml';
import { GitRepo } from '../git/repo';

/** What the simulated repo-server "renders" for an Application at a commit. */
export interface Desired {
  image?: string;
  tag?: string;
  replicas?: number;
  cpu?: string;
  memory?: string;
  /** The chart renders an Argo Rollouts canary (`templates/rollout.yaml`) in place of a Deployment. */
  rollout?: { steps: any[]; analysisMetric?: string };
}

const join = (dir: string, file: string) =>
  dir ? `${dir.replace(/\/$/, '')}/${file}` : file;

/**
 * Reads the image tag the way the portal's users configure it: a Kustomize overlay's
 * `images[].newTag`, or a Helm chart's `values-<env>.yaml` `image.tag` (via helm valueFiles).
 */
export async function renderDesired(
  repo: GitRepo,
  sha: string,
  source: any,
): Promise<Desired> {
  const dir: string = source?.path ?? '';
  const chart = await repo.readFile(sha, join(dir, 'Chart.yaml'));
  if (chart !== null || source?.helm) {
    const values: any =
      parse((await repo.readFile(sha, join(dir, 'values.yaml'))) ?? '{}') ?? {};
    for (const vf of source?.helm?.valueFiles ?? []) {
      const v: any =
        parse((await repo.readFile(sha, join(dir, vf))) ?? '{}') ?? {};
      deepMerge(values, v);
    }
    const rollout = await chartRollout(repo, sha, dir, values);
    return {
      ...(rollout ? { rollout } : {}),
      image: values.image?.repository,
      tag:
        values.image?.tag !== undefined ? String(values.image.tag) : undefined,
      replicas: values.replicaCount,
      cpu: values.resources?.requests?.cpu,
      memory: values.resources?.requests?.memory,
    };
  }
  const kust = await repo.readFile(sha, join(dir, 'kustomization.yaml'));
  if (kust !== null) {
    const k: any = parse(kust) ?? {};
    const img = k.images?.[0];
    let cpu: string | undefined;
    let memory: string | undefined;
    for (const p of k.patches ?? []) {
      const ops = typeof p.patch === 'string' ? parse(p.patch) : [];
      for (const op of Array.isArray(ops) ? ops : []) {
        if (op?.value?.requests) {
          cpu = op.value.requests.cpu;
          memory = op.value.requests.memory;
        }
      }
    }
    return {
      image: img ? img.newName ?? img.name : undefined,
      tag: img?.newTag !== undefined ? String(img.newTag) : undefined,
      replicas: k.replicas?.[0]?.count,
      cpu,
      memory,
    };
  }
  return {};
}

/**
 * A chart whose templates hold a Rollout: its canary steps (from values) and, with
 * `templates/analysistemplate.yaml`, the metric of its `<chart>-smoke` AnalysisTemplate.
 */
async function chartRollout(
  repo: GitRepo,
  sha: string,
  dir: string,
  values: any,
): Promise<Desired['rollout']> {
  const kindIn = async (file: string, kind: string) =>
    new RegExp(`^kind:\\s*${kind}\\s*$`, 'm').test(
      (await repo.readFile(sha, join(dir, `templates/${file}`))) ?? '',
    );
  if (!(await kindIn('rollout.yaml', 'Rollout'))) return undefined;
  const steps = Array.isArray(values.rollout?.steps)
    ? values.rollout.steps
    : [];
  const analysis = (await kindIn('analysistemplate.yaml', 'AnalysisTemplate'))
    ? { analysisMetric: 'smoke' }
    : {};
  return { steps, ...analysis };
}

function deepMerge(into: any, from: any) {
  for (const [k, v] of Object.entries(from ?? {})) {
    if (
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      into[k] &&
      typeof into[k] === 'object'
    )
      deepMerge(into[k], v);
    else into[k] = v;
  }
}

/** Application manifests under `argocd/apps/` plus `argocd/root.yaml` at a commit. */
export async function readAppManifests(
  repo: GitRepo,
  sha: string,
): Promise<any[]> {
  const files = [
    ...(await repo.listFiles(sha, 'argocd/apps')),
    'argocd/root.yaml',
  ];
  const out: any[] = [];
  for (const f of files) {
    if (!/\.ya?ml$/.test(f)) continue;
    const text = await repo.readFile(sha, f);
    if (text === null) continue;
    for (const doc of parseAllDocuments(text)) {
      // Unparseable files are skipped, as Argo's directory source would fail only that file.
      if ('errors' in doc && doc.errors.length) continue;
      const m: any = doc.toJSON();
      if (m?.kind === 'Application' && m.metadata?.name && m.spec) out.push(m);
    }
  }
  return out;
}
