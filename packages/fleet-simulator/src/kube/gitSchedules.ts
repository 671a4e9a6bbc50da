import { parseAllDocuments } from 'yaml';
import type { GitRepo } from '../git/repo';
import type { VeleroCluster } from './velero';

/** Where Velero Schedules live in the gitops repository (what `gitops:manifests:create` writes). */
export const SCHEDULES_DIR = 'backup';

/**
 * Plays the part of the Argo app that applies `backup/*.yaml`: each Velero Schedule committed to
 * git appears in the cluster that hosts the namespace it backs up, and then runs on its cron.
 * Schedules removed from git are left alone, as with Argo's `prune: false` on that app.
 */
export async function applyGitSchedules(
  repo: GitRepo,
  sha: string,
  clusterOfNamespace: (namespace: string) => VeleroCluster | undefined,
): Promise<number> {
  let applied = 0;
  for (const file of await repo.listFiles(sha, SCHEDULES_DIR)) {
    if (!/\.ya?ml$/.test(file)) continue;
    const text = await repo.readFile(sha, file);
    if (text === null) continue;
    for (const doc of parseAllDocuments(text)) {
      if ('errors' in doc && doc.errors.length) continue;
      const schedule: any = doc.toJSON();
      if (schedule?.kind !== 'Schedule' || !schedule.metadata?.name) continue;
      const namespaces: string[] =
        schedule.spec?.template?.includedNamespaces ?? [];
      const cluster = namespaces
        .map(clusterOfNamespace)
        .find((c): c is VeleroCluster => Boolean(c));
      if (cluster?.applySchedule(schedule)) applied++;
    }
  }
  return applied;
}
