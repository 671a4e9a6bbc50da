import type express from 'express';
import { z } from 'zod';
import type { ArgoInstance } from './argocd/instance';
import {
  DriftError,
  LivePatchRequest,
  addLive,
  patchLive,
} from './argocd/drift';

/** Drift in the simulated clusters, for tests: what `kubectl patch` / `kubectl apply` would do. */
export interface DriftControl {
  /**
   * Patches a live object of an application behind Argo CD's back (a JSON merge patch, or a
   * strategic one with `type: 'strategic'`; recorded under `manager`, default `kubectl-patch`).
   * The app is refreshed and a MODIFIED event sent. Throws for an unknown instance, app or object.
   */
  patchLive(instance: string, app: string, change: LivePatchRequest): void;
  /**
   * Creates a live object for the application that git doesn't hold (in the app's namespace unless
   * it names one): Argo shows it OutOfSync with `requiresPruning`; a sync with prune deletes it.
   */
  addLive(
    instance: string,
    app: string,
    object: Record<string, unknown>,
    manager?: string,
  ): void;
  /**
   * `kubectl set image deployment/<container> <container>=<image>`: the app's Deployment runs
   * `image` (a tag ending in `-bad` cannot be pulled, so the app goes Degraded) until a sync.
   */
  setLiveImage(
    instance: string,
    app: string,
    container: string,
    image: string,
  ): void;
}

export function createDriftControl(instances: ArgoInstance[]): DriftControl {
  const find = (instance: string, name: string) => {
    const inst = instances.find(i => i.name === instance);
    if (!inst)
      throw new DriftError(404, `unknown Argo CD instance ${instance}`);
    const app = inst.apps.get(name);
    if (!app)
      throw new DriftError(404, `unknown application ${name} on ${instance}`);
    return { inst, app };
  };
  return {
    patchLive(instance, name, change) {
      const { inst, app } = find(instance, name);
      patchLive(inst, app, change);
    },
    addLive(instance, name, object, manager) {
      const { inst, app } = find(instance, name);
      addLive(inst, app, object, manager);
    },
    setLiveImage(instance, name, container, image) {
      const { inst, app } = find(instance, name);
      patchLive(inst, app, {
        kind: 'Deployment',
        name: container,
        type: 'strategic',
        patch: {
          spec: {
            template: { spec: { containers: [{ name: container, image }] } },
          },
        },
        manager: 'kubectl-client-side-apply',
      });
    },
  };
}

const text = z.string().min(1);
const patchBody = z
  .object({
    kind: text,
    name: text,
    group: z.string().optional(),
    patch: z.record(z.string(), z.unknown()),
    type: z.enum(['merge', 'strategic']).optional(),
    manager: text.optional(),
  })
  .strict();
const objectBody = z
  .object({
    object: z
      .object({
        apiVersion: text,
        kind: text,
        metadata: z
          .object({ name: text, namespace: text.optional() })
          .passthrough(),
      })
      .passthrough(),
    manager: text.optional(),
  })
  .strict();

/** `field: problem` for the first issue, so a 400 names what to fix. */
const explain = (e: z.ZodError) => {
  const issue = e.issues[0];
  const at = issue.path.length ? issue.path.join('.') : 'body';
  return `${at}: ${issue.message}`;
};

/**
 * `POST /control/argocd/:instance/applications/:name/live` with `{kind, name, patch, type?,
 * manager?, group?}` (patchLive) or `{object, manager?}` (addLive): 200 `{ok: true}`, 400 naming
 * the field, 404 for an unknown instance, application or live object.
 */
export function driftRoutes(app: express.Express, control: DriftControl) {
  app.post(
    '/control/argocd/:instance/applications/:name/live',
    (req: express.Request, res: express.Response) => {
      const body = req.body ?? {};
      const isObject = typeof body === 'object' && 'object' in body;
      const parsed = (isObject ? objectBody : patchBody).safeParse(body);
      if (!parsed.success) {
        res.status(400).json({ error: explain(parsed.error) });
        return;
      }
      try {
        const { instance, name } = req.params;
        if ('object' in parsed.data)
          control.addLive(
            instance,
            name,
            parsed.data.object,
            parsed.data.manager,
          );
        else control.patchLive(instance, name, parsed.data as LivePatchRequest);
        res.json({ ok: true });
      } catch (e) {
        const status = e instanceof DriftError ? e.status : 400;
        res.status(status).json({ error: String((e as Error).message) });
      }
    },
  );
}
