import express from 'express';
import { SimClock } from '../clock';
import { SimService } from '../util/service';
import { allocationSet } from './allocation';
import { Flavour, QueryError, planAllocationQuery } from './query';
import { Workload } from './workloads';

/**
 * The allocation API of one cluster: Kubecost `/model/allocation` and OpenCost
 * `/allocation/compute` + `/allocation`, answering `{code, status, data: [set, ...]}`.
 * Query semantics (window rounding, steps, accumulate, filters) live in `query.ts`.
 */
export function costApp(d: {
  cluster: string;
  clock: SimClock;
  seed: number;
  workloads: () => Workload[];
  service: () => SimService;
}) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const handler =
    (path: string, flavour: Flavour) =>
    (req: express.Request, res: express.Response) => {
      d.service().count(`GET ${path}`);
      try {
        // Data has minute resolution: now, to the minute.
        const now = Math.floor(d.clock.nowMs() / 60_000) * 60_000;
        const plan = planAllocationQuery(
          req.query as Record<string, unknown>,
          flavour,
          now,
        );
        const all = d.workloads();
        const selected = all.filter(plan.match);
        const data = plan.sets.map(s =>
          // A set that starts in the future has no data yet.
          s.start >= now
            ? {}
            : allocationSet(selected, all, {
                start: s.start,
                end: Math.min(s.end, now),
                windowEnd: s.end,
                aggregate: plan.aggregate,
                idle: plan.idle,
                shareIdle: plan.shareIdle,
                seed: d.seed,
                cluster: d.cluster,
              }),
        );
        res.json({ code: 200, status: 'success', data });
      } catch (e) {
        if (e instanceof QueryError) {
          res.status(e.status).type(e.contentType).send(e.body);
          return;
        }
        res.status(500).json({
          code: 500,
          status: 'error',
          message: String((e as Error).message),
        });
      }
    };

  app.get('/model/allocation', handler('/model/allocation', 'kubecost'));
  app.get('/allocation/compute', handler('/allocation/compute', 'opencost'));
  app.get('/allocation', handler('/allocation', 'opencost'));
  app.get('/healthz', (_req, res) => {
    d.service().count('GET /healthz');
    res.json({ code: 200, status: 'success' });
  });
  app.use((_req, res) => {
    d.service().count('unmatched');
    res.status(404).json({ code: 404, status: 'error', message: 'not found' });
  });
  return app;
}
