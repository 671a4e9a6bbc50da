import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { GitRepo } from '../git/repo';
import type { Manifest } from './syncPlan';

/**
 * The objects a Kustomize directory builds at a commit, as far as the sync order needs them:
 * every `resources` entry (a file, or a directory with its own kustomization.yaml, as an overlay
 * names its base), with the kustomization's `namespace` on objects that have none. Patches and
 * images are not applied: they change no kind, name, hook, wave or Secret reference in the
 * layouts the portal generates. Undefined when the directory has no kustomization.yaml (a Helm
 * chart: its templates are not rendered here).
 */
export async function kustomizeObjects(
  repo: GitRepo,
  sha: string,
  dir: string,
): Promise<Manifest[] | undefined> {
  const seen = new Set<string>();
  const build = async (at: string): Promise<Manifest[] | undefined> => {
    if (seen.has(at)) return [];
    seen.add(at);
    const text = await repo.readFile(
      sha,
      at ? `${at}/kustomization.yaml` : 'kustomization.yaml',
    );
    if (text === null) return undefined;
    const k: any = parse(text) ?? {};
    const out: Manifest[] = [];
    for (const entry of k.resources ?? []) {
      const target = path.posix.normalize(path.posix.join(at || '.', entry));
      if (/\.ya?ml$/.test(target)) {
        const file = await repo.readFile(sha, target);
        for (const doc of file === null ? [] : parseAllDocuments(file)) {
          const m: any = doc.toJSON();
          if (m?.kind && m.metadata?.name) out.push(m);
        }
      } else {
        out.push(...((await build(target.replace(/\/$/, ''))) ?? []));
      }
    }
    if (k.namespace) {
      for (const m of out) m.metadata.namespace ??= k.namespace;
    }
    return out;
  };
  return build(dir.replace(/\/$/, ''));
}
