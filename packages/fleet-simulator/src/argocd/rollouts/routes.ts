import type express from 'express';
import type { SimApp } from '../app';
import type { ArgoInstance } from '../instance';
import { ArgoError, GRPC, permissionDenied } from '../errors';
import { resourceTree } from '../tree';
import { managedStates } from '../managedState';
import { goJson, type Obj } from '../objectJson';
import { groupOf } from '../k8sObjects';
import { analysisRunObject } from './status';
import { rolloutReplicaSet } from './replicaSets';
import { rolloutActions, runRolloutAction } from './actions';

type Route = (
  method: 'get' | 'post',
  path: string,
  handler: (req: express.Request, res: express.Response) => unknown,
) => void;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The resource a request names (query or v2 body), as Argo CD's ApplicationResourceRequest. */
interface ResourceRequest {
  namespace: string;
  resourceName: string;
  version: string;
  group: string;
  kind: string;
  project: string;
}

const resourceRequest = (src: Record<string, unknown>): ResourceRequest => ({
  namespace: str(src.namespace),
  resourceName: str(src.resourceName),
  version: str(src.version),
  group: str(src.group),
  kind: str(src.kind),
  project: str(src.project),
});

/**
 * getAppLiveResource: the node must be in the app's resource tree (by group, kind, namespace,
 * name), else InvalidArgument "<kind> <group> <name> not found as part of application <app>".
 */
function liveResource(inst: ArgoInstance, app: SimApp, q: ResourceRequest) {
  // A project that is not the app's is refused like an app the caller may not see.
  if (q.project && q.project !== app.obj.spec.project) throw permissionDenied();
  const node = resourceTree(app).nodes.find(
    (n: any) =>
      (n.group ?? '') === q.group &&
      n.kind === q.kind &&
      (n.namespace ?? '') === q.namespace &&
      n.name === q.resourceName,
  );
  if (!node?.uid)
    throw new ArgoError(
      400,
      GRPC.InvalidArgument,
      `${q.kind} ${q.group} ${q.resourceName} not found as part of application ${app.name}`,
    );
  const managed = managedStates(inst, app).find(
    s =>
      s.live &&
      s.kind === q.kind &&
      s.group === q.group &&
      s.name === q.resourceName,
  )?.live;
  if (managed) return { node, obj: managed };
  const run = app.rollout?.analysisRuns.find(a => a.name === q.resourceName);
  if (q.kind === 'AnalysisRun' && run)
    return { node, obj: analysisRunObject(app, run) };
  const replicaSet =
    q.kind === 'ReplicaSet'
      ? rolloutReplicaSet(app, q.resourceName)
      : undefined;
  if (replicaSet) return { node, obj: replicaSet };
  // Pods: their identity and owner, as far as the simulator models them.
  const obj: Obj = {
    apiVersion: node.group ? `${node.group}/${node.version}` : node.version,
    kind: node.kind,
    metadata: {
      name: node.name,
      namespace: node.namespace,
      uid: node.uid,
      creationTimestamp: node.createdAt,
      ...(node.parentRefs?.length
        ? {
            ownerReferences: node.parentRefs.map((p: any) => ({
              apiVersion: p.group ? `${p.group}/${p.version}` : p.version,
              kind: p.kind,
              name: p.name,
              uid: p.uid,
              controller: true,
              blockOwnerDeletion: true,
            })),
          }
        : {}),
    },
  };
  return { node, obj };
}

/**
 * `GET .../resource` (the live manifest), `GET .../resource/actions` (discovery.lua) and
 * `POST .../resource/actions/v2` plus the deprecated `POST .../resource/actions` (the action as a
 * JSON string body, the resource in the query). Both answer `{}` once the action ran.
 */
export function resourceRoutes(deps: {
  route: Route;
  instance: ArgoInstance;
  findApp: (req: express.Request) => SimApp;
}) {
  const { route, instance } = deps;

  route('get', '/api/v1/applications/:name/resource', (req, res) => {
    const app = deps.findApp(req);
    const { obj } = liveResource(instance, app, resourceRequest(req.query));
    res.json({ manifest: goJson(obj) });
  });

  route('get', '/api/v1/applications/:name/resource/actions', (req, res) => {
    const app = deps.findApp(req);
    const { obj } = liveResource(instance, app, resourceRequest(req.query));
    const isRollout =
      obj.kind === 'Rollout' && groupOf(obj.apiVersion) === 'argoproj.io';
    res.json(isRollout && app.rollout ? { actions: rolloutActions(app) } : {});
  });

  const run = (
    req: express.Request,
    res: express.Response,
    action: string,
    q: ResourceRequest,
  ) => {
    const app = deps.findApp(req);
    const { obj } = liveResource(instance, app, q);
    if (obj.kind !== 'Rollout' || !app.rollout)
      throw new ArgoError(
        500,
        GRPC.Unknown,
        'error getting Lua resource action: built-in script does not exist',
      );
    runRolloutAction(instance, app, action);
    instance.events.emit('operation', {
      app,
      username: res.locals.user,
      reason: 'ResourceActionRan',
      action: `ran action ${action} on resource ${q.group}/${q.kind}/${q.resourceName}`,
    });
    res.json({});
  };

  route(
    'post',
    '/api/v1/applications/:name/resource/actions/v2',
    (req, res) => {
      const body = parseBody(req.body);
      run(
        req,
        res,
        str(body?.action),
        resourceRequest({ ...req.query, ...body }),
      );
    },
  );

  route('post', '/api/v1/applications/:name/resource/actions', (req, res) => {
    const action = parseBody(req.body);
    if (typeof action !== 'string')
      throw new ArgoError(
        400,
        GRPC.InvalidArgument,
        'the body must be the action name as a JSON string',
      );
    run(req, res, action, resourceRequest(req.query));
  });
}

/** The action routes read their body as text (the deprecated one is a bare JSON string). */
function parseBody(body: unknown): any {
  if (typeof body !== 'string') return body ?? {};
  if (!body.trim()) return {};
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new ArgoError(400, GRPC.InvalidArgument, (e as Error).message);
  }
}
