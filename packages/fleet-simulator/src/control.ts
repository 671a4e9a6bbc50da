import express from 'express';
import { SimClock } from './clock';
import { Counts, Fault, SimService } from './util/service';
import { ArgoAuth } from './argocd/auth';
import { VeleroCluster } from './kube/velero';
import type { GitRepo } from './git/repo';
import type { ArgoInstance } from './argocd/instance';
import { DriftControl, createDriftControl, driftRoutes } from './driftControl';

export interface FleetControl extends DriftControl {
  /** Request counts per service and route: `{ argo: {argocd-main: {'GET /api/v1/applications': 3}}, cost: {...}, kube: {...} }`. */
  counts(): { argo: Counts; cost: Counts; kube: Counts };
  resetCounts(): void;
  /**
   * Target: an instance name (`argocd-main`), a cluster name (both its cost and kube APIs),
   * or `cost:<cluster>` / `kube:<cluster>` for one of them.
   */
  setFault(target: string, fault: Fault): Promise<void>;
  clearFaults(): Promise<void>;
  faults(): Record<string, Fault>;
  /** Reads the git branch head now (instead of waiting for the poll interval). */
  pollGit(): Promise<boolean>;
  advance(ms: number): Promise<void>;
  /** Makes a cluster's BackupStorageLocation Available or Unavailable. */
  setBackupLocationAvailable(cluster: string, available: boolean): void;
}

export function createControl(d: {
  argo: SimService[];
  argoAuth: ArgoAuth[];
  cost: SimService[];
  kube: SimService[];
  velero: VeleroCluster[];
  clock: SimClock;
  poll: () => Promise<boolean>;
  instances: ArgoInstance[];
}): FleetControl {
  const byName = (list: SimService[]) =>
    Object.fromEntries(list.map(s => [s.name, { ...s.counts }]));
  const targets = (target: string): SimService[] => {
    const [kind, name] = target.includes(':')
      ? target.split(':')
      : [undefined, target];
    const out: SimService[] = [];
    if (!kind || kind === 'argo')
      out.push(...d.argo.filter(s => s.name === name));
    if (!kind || kind === 'cost')
      out.push(...d.cost.filter(s => s.name === name));
    if (!kind || kind === 'kube')
      out.push(...d.kube.filter(s => s.name === name));
    if (!out.length) throw new Error(`unknown fault target ${target}`);
    return out;
  };
  const all = () => [...d.argo, ...d.cost, ...d.kube];
  return {
    ...createDriftControl(d.instances),
    counts: () => ({
      argo: byName(d.argo),
      cost: byName(d.cost),
      kube: byName(d.kube),
    }),
    resetCounts: () => all().forEach(s => s.resetCounts()),
    async setFault(target, fault) {
      for (const s of targets(target)) {
        await s.setFault(fault);
        const auth = d.argoAuth[d.argo.indexOf(s)];
        if (auth && fault.tokenTtlSeconds !== undefined)
          auth.tokenTtlSeconds = fault.tokenTtlSeconds;
      }
    },
    async clearFaults() {
      for (const s of all()) await s.setFault({});
    },
    faults() {
      const out: Record<string, Fault> = {};
      for (const [kind, list] of [
        ['argo', d.argo],
        ['cost', d.cost],
        ['kube', d.kube],
      ] as const) {
        for (const s of list)
          if (Object.keys(s.fault).length) out[`${kind}:${s.name}`] = s.fault;
      }
      return out;
    },
    pollGit: () => d.poll(),
    advance: ms => d.clock.advance(ms),
    setBackupLocationAvailable(cluster, available) {
      const v = d.velero.find(x => x.cluster === cluster);
      if (!v) throw new Error(`unknown cluster ${cluster}`);
      v.setLocationAvailable(available);
    },
  };
}

/** The control HTTP endpoint (own port): the same operations as FleetControl. */
export function controlApp(control: FleetControl, repo?: GitRepo) {
  const app = express();
  app.use(express.json());
  if (repo) {
    // Files of the gitops repo at a branch's head, like a git host's raw file URLs: what the
    // catalog reads a scaffolded service's catalog-info.yaml from.
    app.get(/^\/git\/raw\/([^/]+)\/(.+)$/, async (req, res) => {
      const [branch, file] = [req.params[0], req.params[1]];
      const sha = await repo.resolve(`refs/heads/${branch}`);
      const content = sha ? await repo.readFile(sha, file) : null;
      if (content === null) {
        res.status(404).json({ error: `${file} not found on ${branch}` });
        return;
      }
      res.type('text/plain').send(content);
    });
  }
  const wrap =
    (fn: (req: express.Request) => Promise<unknown> | unknown) =>
    async (req: express.Request, res: express.Response) => {
      try {
        res.json((await fn(req)) ?? { ok: true });
      } catch (e) {
        res.status(400).json({ error: String((e as Error).message) });
      }
    };
  app.get(
    '/control/counts',
    wrap(() => control.counts()),
  );
  app.post(
    '/control/reset',
    wrap(async req => {
      control.resetCounts();
      if (req.query.faults !== 'false') await control.clearFaults();
      return { ok: true };
    }),
  );
  app.get(
    '/control/faults',
    wrap(() => control.faults()),
  );
  app.post(
    '/control/faults',
    wrap(async req => {
      await control.setFault(String(req.body?.target), req.body?.fault ?? {});
      return control.faults();
    }),
  );
  app.delete(
    '/control/faults',
    wrap(async () => {
      await control.clearFaults();
      return {};
    }),
  );
  app.post(
    '/control/clock/advance',
    wrap(async req => {
      await control.advance(Number(req.body?.ms ?? req.query.ms ?? 0));
      return { ok: true };
    }),
  );
  app.post(
    '/control/git/poll',
    wrap(async () => ({ changed: await control.pollGit() })),
  );
  driftRoutes(app, control);
  app.post(
    '/control/backup-location',
    wrap(req => {
      control.setBackupLocationAvailable(
        String(req.body?.cluster),
        !!req.body?.available,
      );
      return { ok: true };
    }),
  );
  return app;
}
