import express from 'express';
import { SimClock } from '../clock';
import { SimService } from '../util/service';
import { allocationSet } from './allocation';
import { parseFilter } from './filter';
import { parseDuration, parseWindow, splitSteps } from './window';
import { Workload } from './workloads';

const bool = (v: unknown, dflt: boolean) =>
  v === undefined || v === '' ? dflt : String(v).toLowerCase() === 'true';

/**
 * The allocation API of one cluster: Kubecost `/model/allocation` and OpenCost
 * `/allocation/compute` + `/allocation`, answering `{code, status, data: [set, ...]}`.
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
    (path: string, flavour: 'kubecost' | 'opencost') =>
    (req: express.Request, res: express.Response) => {
      d.service().count(`GET ${path}`);
      const q = req.query as Record<string, unknown>;
      try {
        const window = typeof q.window === 'string' ? q.window : undefined;
        if (!window) throw new Error('missing window parameter');
        const now = Math.floor(d.clock.nowMs() / 60_000) * 60_000;
        const { start, end: rawEnd } = parseWindow(window, now);
        const end = Math.min(rawEnd, now);
        if (end <= start) throw new Error(`window ${window} is in the future`);
        const aggregate =
          typeof q.aggregate === 'string' && q.aggregate
            ? q.aggregate.split(',').map(s => s.trim())
            : [];
        const stepMs =
          typeof q.step === 'string' ? parseDuration(q.step) : undefined;
        const accumulate = bool(q.accumulate, false);
        // Kubecost includes idle by default (`idle`), OpenCost only on request (`includeIdle`).
        const idle =
          flavour === 'kubecost'
            ? bool(q.idle ?? q.includeIdle, true)
            : bool(q.includeIdle ?? q.idle, false);
        const shareIdle = bool(q.shareIdle, false);
        const match = parseFilter(q);
        const all = d.workloads();
        const selected = all.filter(match);
        const steps = accumulate
          ? [{ start, end }]
          : splitSteps(start, end, stepMs);
        const data = steps.map(s =>
          allocationSet(selected, all, {
            ...s,
            aggregate,
            idle,
            shareIdle,
            seed: d.seed,
            cluster: d.cluster,
          }),
        );
        res.json({ code: 200, status: 'success', data });
      } catch (e) {
        res.status(400).json({
          code: 400,
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
