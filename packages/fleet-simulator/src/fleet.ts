import fs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { FleetClock, SimClock } from './clock';
import { GitRepo } from './git/repo';
import { DEFAULT_SEED, seedRepo } from './seed/seedRepo';
import { ArgoInstance, ArgoBehaviour } from './argocd/instance';
import { ArgoAuth } from './argocd/auth';
import { argoApp } from './argocd/server';
import { GitPoller } from './argocd/gitsync';
import { Reconciler } from './argocd/reconcile';
import { addFillerApps } from './argocd/filler';
import { SimService, type ServiceTls } from './util/service';
import { generateFleetTls } from './util/tls';
import { costApp } from './cost/server';
import { workloadsFromApps } from './cost/workloads';
import { VeleroCluster } from './kube/velero';
import { applyGitSchedules } from './kube/gitSchedules';
import { kubeApp } from './kube/server';
import { writeKubeconfig } from './kube/kubeconfig';
import { FleetControl, createControl, controlApp } from './control';
import { buildAppConfig, FleetEndpoints } from './config';
import { stringify } from 'yaml';
import {
  DEFAULT_TLS,
  normalisePrefix,
  type ArgoEndpoint,
  type CostEndpoint,
  type FleetOptions,
  type KubeEndpoint,
} from './fleetOptions';

export { DEFAULT_TLS } from './fleetOptions';
export type {
  ArgoEndpoint,
  ArgoInstanceOptions,
  CostEndpoint,
  FleetOptions,
  KubeEndpoint,
} from './fleetOptions';

export interface Fleet {
  argo: ArgoEndpoint[];
  cost: CostEndpoint[];
  kube: KubeEndpoint[];
  git: { bareRepoPath: string; url: string; branch: string };
  controlUrl: string;
  /** With HTTPS: the run's CA (PEM, and the file it is written to, `<dir>/fleet-ca.pem`). */
  tls?: { caCert: string; caFile: string };
  clock: FleetClock;
  control: FleetControl;
  /** The `gitops:` app-config block (as an object with a top-level `gitops` key). */
  appConfig(): Record<string, unknown>;
  /** Same as appConfig(), as YAML. */
  appConfigYaml(): string;
  /** Internal state, for tests that need to look behind the APIs. */
  internals: {
    instances: ArgoInstance[];
    reconcilers: Reconciler[];
    velero: VeleroCluster[];
    poller: GitPoller;
    repo: GitRepo;
    simClock: SimClock;
  };
  stop(): Promise<void>;
}

const CLUSTER_NAMES = ['cluster-main', 'cluster-prod'];
const INSTANCE_NAMES = ['argocd-main', 'argocd-prod'];

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const dir = path.resolve(opts.dir);
  await fs.mkdir(dir, { recursive: true });
  const host = opts.host ?? '127.0.0.1';
  const seedNum = opts.seed ?? DEFAULT_SEED;
  const clock = new SimClock(opts.clock ?? 'real', opts.startTime);
  const behaviour: ArgoBehaviour = {
    syncDurationMs: 4000,
    healthDelayMs: 3000,
    autoSyncDelayMs: 1000,
    historyDepth: opts.historyDepth ?? 10,
    badImages: [],
    failImages: [],
    reconcileIntervalMs: 120_000,
    reconcileJitterMs: 60_000,
    streamKeepaliveMs: 15_000,
    ...opts.argo,
  };

  // Key generation runs on Node's thread pool while the seed repo is written.
  const tlsPending =
    opts.tls ?? DEFAULT_TLS ? generateFleetTls({ host }) : undefined;
  tlsPending?.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
  const seeded = await seedRepo(dir, clock.now(), seedNum);
  let tls: Fleet['tls'];
  let serviceTls: ServiceTls | undefined;
  if (tlsPending) {
    const generated = await tlsPending;
    const caFile = path.join(dir, 'fleet-ca.pem');
    await fs.writeFile(caFile, generated.caCert);
    tls = { caCert: generated.caCert, caFile };
    // The chain (leaf, then CA) as servers usually send it: an untrusting client meets the CA.
    serviceTls = {
      key: generated.key,
      cert: generated.cert + generated.caCert,
    };
  }
  const repo = new GitRepo(seeded.bareRepoPath, 'main');
  const nInstances = Math.max(1, opts.instances ?? 2);
  const instances = Array.from(
    { length: nInstances },
    (_, i) =>
      new ArgoInstance(
        INSTANCE_NAMES[i] ?? `argocd-${i + 1}`,
        clock,
        repo,
        behaviour,
      ),
  );
  const poller = new GitPoller(repo, instances, seeded.deployments);
  await poller.poll(true);
  // Becomes "poll, then apply committed Velero Schedules" once the clusters exist (below).
  const gitSync = { poll: () => poller.poll() };
  const head = await repo.head();
  const fillers = Math.min(10_000, opts.appsPerInstance ?? 6);
  instances.forEach((inst, i) =>
    addFillerApps(inst, i, fillers, head, seeded.url, clock.now()),
  );
  // Serialise every app once up front so the first big list is as fast as later ones.
  instances.forEach(inst => inst.apps.forEach(app => inst.jsonBytes(app)));
  const reconcilers = instances.map(
    (inst, i) =>
      new Reconciler(
        inst,
        clock,
        behaviour.reconcileIntervalMs,
        behaviour.reconcileJitterMs,
        seedNum + 300 + i,
      ),
  );
  reconcilers.forEach(r => r.start());

  const services: SimService[] = [];
  const argo: ArgoEndpoint[] = [];
  const argoServices: SimService[] = [];
  const argoAuth: ArgoAuth[] = [];
  for (const [i, inst] of instances.entries()) {
    const auth = new ArgoAuth(
      inst.name,
      opts.password,
      opts.tokenTtlSeconds ?? 86400,
      () => clock.nowMs(),
    );
    const svc = new SimService(
      inst.name,
      host,
      opts.ports?.argo?.[i] ?? 0,
      seedNum + i,
      serviceTls,
    );
    const prefix = normalisePrefix(opts.argoInstances?.[i]?.pathPrefix);
    svc.app = argoApp({
      instance: inst,
      auth,
      repo,
      service: () => svc,
      refresh: async () => void (await gitSync.poll()),
      seed: seedNum + i,
      keepaliveMs: behaviour.streamKeepaliveMs,
      pathPrefix: prefix,
    });
    await svc.listen();
    services.push(svc);
    argoServices.push(svc);
    argo.push({
      name: inst.name,
      get url() {
        return svc.url + prefix;
      },
      get webUrl() {
        return svc.url + prefix;
      },
      username: auth.username,
      password: auth.password,
      token: auth.apiToken,
    });
    argoAuth.push(auth);
  }

  const nClusters = Math.max(1, opts.clusters ?? 2);
  const clusterNames = Array.from(
    { length: nClusters },
    (_, i) => CLUSTER_NAMES[i] ?? `cluster-${i + 1}`,
  );
  const appsOfCluster = (ci: number) =>
    instances
      .filter((_, i) => i % nClusters === ci)
      .flatMap(inst => [...inst.apps.values()]);
  const cost: CostEndpoint[] = [];
  const costServices: SimService[] = [];
  const kube: KubeEndpoint[] = [];
  const kubeServices: SimService[] = [];
  const velero: VeleroCluster[] = [];
  for (const [ci, cluster] of clusterNames.entries()) {
    const type = ci % 2 === 0 ? 'kubecost' : 'opencost';
    const csvc = new SimService(
      cluster,
      host,
      opts.ports?.cost?.[ci] ?? 0,
      seedNum + 100 + ci,
      serviceTls,
    );
    csvc.app = costApp({
      cluster,
      clock,
      seed: seedNum,
      workloads: () => workloadsFromApps(cluster, appsOfCluster(ci)),
      service: () => csvc,
    });
    await csvc.listen();
    services.push(csvc);
    costServices.push(csvc);
    cost.push({
      cluster,
      type,
      get url() {
        return csvc.url;
      },
    });

    const namespaces = appsOfCluster(ci)
      .filter(a => !a.filler && (a.env === 'staging' || a.env === 'prod'))
      .map(a => a.obj.spec.destination?.namespace as string)
      .filter(Boolean);
    const vc = new VeleroCluster(
      cluster,
      clock,
      namespaces,
      seedNum,
      (opts.unavailableBackupLocations ?? []).includes(cluster),
      opts.kube?.watchWindow,
    );
    velero.push(vc);
    const token = `kube-${cluster}-${randomBytes(12).toString('hex')}`;
    const ksvc = new SimService(
      cluster,
      host,
      opts.ports?.kube?.[ci] ?? 0,
      seedNum + 200 + ci,
      serviceTls,
    );
    ksvc.app = kubeApp({
      cluster,
      velero: vc,
      token,
      service: () => ksvc,
      bookmarkIntervalMs: opts.kube?.bookmarkIntervalMs,
    });
    await ksvc.listen();
    services.push(ksvc);
    kubeServices.push(ksvc);
    const kubeconfigPath = path.join(dir, `kubeconfig-${cluster}.yaml`);
    await writeKubeconfig(kubeconfigPath, {
      cluster,
      server: ksvc.url,
      token,
      caCert: tls?.caCert,
    });
    kube.push({ cluster, url: ksvc.url, token, kubeconfigPath });
  }

  // Velero Schedules committed to git (e.g. by the scaffolder) reach the cluster of their namespace.
  const clusterOfNamespace = (namespace: string) =>
    velero.find((_, ci) =>
      appsOfCluster(ci).some(
        a => a.obj.spec.destination?.namespace === namespace,
      ),
    );
  gitSync.poll = async () => {
    const changed = await poller.poll();
    if (changed)
      await applyGitSchedules(repo, await repo.head(), clusterOfNamespace);
    return changed;
  };
  await applyGitSchedules(repo, await repo.head(), clusterOfNamespace);

  const git = {
    bareRepoPath: seeded.bareRepoPath,
    url: seeded.url,
    branch: 'main',
  };
  const endpoints: FleetEndpoints = {
    argo,
    cost,
    kube,
    git,
    caCert: tls?.caCert,
  };
  const control = createControl({
    argo: argoServices,
    argoAuth,
    cost: costServices,
    kube: kubeServices,
    velero,
    clock,
    poll: () => gitSync.poll(),
    instances,
  });
  // Plain HTTP: test tooling, and Backstage's UrlReader reads the repo's files from it.
  const controlService = new SimService(
    'control',
    host,
    opts.ports?.control ?? 0,
  );
  controlService.app = controlApp(control, repo);
  await controlService.listen();

  let pollTimer: NodeJS.Timeout | undefined;
  const interval = opts.gitPollIntervalMs ?? 2000;
  if (clock.mode === 'real' && interval > 0) {
    pollTimer = setInterval(
      () => void gitSync.poll().catch(() => undefined),
      interval,
    );
    pollTimer.unref();
  }

  return {
    argo,
    cost,
    kube,
    git,
    get controlUrl() {
      return controlService.url;
    },
    tls,
    clock,
    control,
    appConfig: () =>
      buildAppConfig({ ...endpoints, controlUrl: controlService.url }),
    appConfigYaml: () =>
      stringify(
        buildAppConfig({ ...endpoints, controlUrl: controlService.url }),
        { lineWidth: 0 },
      ),
    internals: {
      instances,
      reconcilers,
      velero,
      poller,
      repo,
      simClock: clock,
    },
    async stop() {
      if (pollTimer) clearInterval(pollTimer);
      reconcilers.forEach(r => r.stop());
      clock.stop();
      instances.forEach(i => i.stop());
      velero.forEach(v => v.stop());
      await Promise.all([...services, controlService].map(s => s.close()));
      repo.close();
    },
  };
}
