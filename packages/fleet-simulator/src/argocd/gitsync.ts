import { GitRepo } from '../git/repo';
import { SeedDeployment } from '../seed/seedRepo';
import { ArgoInstance } from './instance';
import { Desired, readAppManifests, renderDesired } from './render';

/**
 * Plays the part of Argo's repo-server + app-of-apps: reads `argocd/apps/*.yaml` at the
 * branch head and creates/updates/deletes apps on the instance their environment maps to.
 */
export class GitPoller {
  private lastSha?: string;
  private chain: Promise<unknown> = Promise.resolve();
  private seedUsed = false;

  constructor(
    private readonly repo: GitRepo,
    private readonly instances: ArgoInstance[],
    private readonly seed: Record<string, SeedDeployment[]>,
  ) {}

  /** Prod apps go to the second instance (argocd-prod) when there is one. */
  placement(manifest: any): ArgoInstance {
    const env = manifest.metadata?.labels?.environment;
    return env === 'prod' && this.instances.length > 1
      ? this.instances[1]
      : this.instances[0];
  }

  /** Serialised so concurrent callers (timer, refresh=hard, control) never interleave. */
  poll(force = false): Promise<boolean> {
    const run = this.chain.then(() => this.doPoll(force));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async doPoll(force: boolean): Promise<boolean> {
    const head = await this.repo.head();
    if (head === this.lastSha && !force) return false;
    const manifests = await readAppManifests(this.repo, head);
    const childNames = manifests
      .filter(m => m.metadata.name !== 'root')
      .map(m => m.metadata.name)
      .sort();
    const wanted = new Map<ArgoInstance, Set<string>>();
    for (const m of manifests) {
      const inst = this.placement(m);
      let desired: Desired = {};
      let comparisonError: string | undefined;
      try {
        desired = await renderDesired(this.repo, head, m.spec?.source);
      } catch (e) {
        // A broken overlay/values file must not stop the other apps from reconciling.
        comparisonError = `Failed to load target state: ${
          (e as Error).message
        }`;
        desired = inst.apps.get(m.metadata.name)?.desired ?? {};
      }
      const isRoot = m.spec?.source?.path === 'argocd/apps';
      inst.upsert(m, head, desired, {
        seed: this.seedUsed ? undefined : this.seed[m.metadata.name],
        children: isRoot ? childNames : undefined,
        comparisonError,
      });
      if (!wanted.has(inst)) wanted.set(inst, new Set());
      wanted.get(inst)!.add(m.metadata.name);
    }
    // Apps whose manifest disappeared from git are pruned by the root app.
    for (const inst of this.instances) {
      for (const app of [...inst.apps.values()]) {
        if (!app.filler && !wanted.get(inst)?.has(app.name))
          inst.remove(app.name);
      }
    }
    this.seedUsed = true;
    this.lastSha = head;
    return true;
  }
}
