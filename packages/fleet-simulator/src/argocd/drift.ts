import { Drift, LivePatch, SimApp, iso, namespaceOf, resourceKey } from './app';
import type { Desired } from './render';
import type { ArgoInstance, SyncRequest } from './instance';
import {
  LAST_APPLIED,
  TRACKING,
  applyDefaults,
  groupOf,
  keyOf,
  managedFieldsEntry,
  objectUid,
  ownedFields,
  renderObjects,
  statusOf,
  trackingId,
  versionOf,
} from './k8sObjects';
import { liveManaged, managedStates, withoutNamespace } from './managedState';
import {
  Obj,
  clone,
  isObj,
  mergeDiff,
  mergePatch,
  strategicPatch,
  threeWay,
} from './objectJson';

/** A drift request the simulator cannot apply: `status` is the HTTP answer (404 or 400). */
export class DriftError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface LivePatchRequest {
  kind: string;
  name: string;
  /** Only needed when two live resources share a kind and name. */
  group?: string;
  /** A JSON merge patch (RFC 7386) on the live object, or a strategic one with `type`. */
  patch: Record<string, any>;
  type?: 'merge' | 'strategic';
  /** The field manager recorded for the change (default `kubectl-patch`). */
  manager?: string;
}

/** resourceVersions of changed live objects: the destination cluster's own counter. */
let clusterRv = 500_000;

const driftOf = (app: SimApp): Drift =>
  (app.drift ??= { patches: new Map(), extra: new Map() });

function noWorkloads(app: SimApp) {
  if (app.children)
    throw new DriftError(
      400,
      `${app.name} is an app-of-apps: its resources are Applications, drift them there`,
    );
}

/**
 * Changes a live object of the app behind Argo's back, as `kubectl patch` would: Argo notices
 * (the app is refreshed, a MODIFIED event), and whether it counts depends on the diff.
 */
export function patchLive(
  inst: ArgoInstance,
  app: SimApp,
  req: LivePatchRequest,
) {
  noWorkloads(app);
  const matches = (o: Obj) =>
    o.kind === req.kind &&
    o.metadata.name === req.name &&
    (req.group === undefined || groupOf(o.apiVersion) === req.group);
  const managed = renderObjects(app, app.live).find(matches);
  const extra = [...(app.drift?.extra.values() ?? [])].find(matches);
  if (!managed && !extra)
    throw new DriftError(
      404,
      `${req.kind} ${req.name} is not live in ${namespaceOf(app)} for ${
        app.name
      }`,
    );
  const time = iso(inst.clock.now());
  const resourceVersion = String(++clusterRv);
  const manager = req.manager ?? 'kubectl-patch';
  const type = req.type ?? 'merge';
  if (managed) {
    const key = resourceKey(keyOf(managed));
    const drift = driftOf(app);
    drift.patches.set(key, [
      ...(drift.patches.get(key) ?? []),
      { patch: clone(req.patch), type, manager, time, resourceVersion },
    ]);
  } else {
    const key = resourceKey(keyOf(extra!));
    const next =
      type === 'strategic'
        ? strategicPatch(extra, req.patch)
        : mergePatch(extra, req.patch);
    applyDefaults(next);
    next.metadata = { ...extra!.metadata, resourceVersion };
    if (isObj(req.patch.spec) && next.metadata.generation)
      next.metadata.generation++;
    next.metadata.managedFields = [
      ...(extra!.metadata.managedFields ?? []),
      managedFieldsEntry(
        manager,
        'Update',
        time,
        next.apiVersion,
        ownedFields(req.patch),
      ),
    ];
    app.drift!.extra.set(key, next);
  }
  inst.refresh(app);
  inst.touch(app);
}

/**
 * Creates a live object in the app's namespace that git doesn't hold (as if once synced and since
 * removed from git: it carries the app's tracking annotation). Argo lists it with targetState
 * `"null"`, OutOfSync and `requiresPruning`; only a sync with prune deletes it.
 */
export function addLive(
  inst: ArgoInstance,
  app: SimApp,
  object: Obj,
  manager = 'kubectl-client-side-apply',
) {
  noWorkloads(app);
  const o = clone(object);
  o.metadata = {
    ...o.metadata,
    namespace: o.metadata?.namespace ?? namespaceOf(app),
  };
  const key = resourceKey(keyOf(o));
  if (renderObjects(app, app.desired).some(t => resourceKey(keyOf(t)) === key))
    throw new DriftError(
      400,
      `${o.kind} ${o.metadata.name} is in git for ${app.name}: patch it instead`,
    );
  if (app.drift?.extra.has(key))
    throw new DriftError(400, `${o.kind} ${o.metadata.name} already exists`);
  const time = iso(inst.clock.now());
  o.metadata.annotations = {
    ...o.metadata.annotations,
    [TRACKING]: trackingId(app, o),
  };
  applyDefaults(o);
  const fields = ownedFields(o);
  Object.assign(o.metadata, {
    uid: objectUid(o.metadata.namespace, o.kind, o.metadata.name),
    resourceVersion: String(++clusterRv),
    creationTimestamp: time,
    ...(o.kind === 'Deployment' ? { generation: 1 } : {}),
    managedFields: [
      managedFieldsEntry(manager, 'Update', time, o.apiVersion, fields),
    ],
  });
  const status = statusOf(o, 'Healthy', time);
  if (status) o.status = status;
  driftOf(app).extra.set(key, o);
  inst.refresh(app);
  inst.touch(app);
}

const HEALTHY_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Service',
  'Pod',
]);
const ignoresExtraneous = (o: Obj) =>
  String(o.metadata?.annotations?.['argocd.argoproj.io/compare-options'] ?? '')
    .split(',')
    .includes('IgnoreExtraneous');

/**
 * refresh()'s part for an app with drift: each resource's status from its diff (a drift only on
 * ignored fields stays Synced), live-only resources listed as needing pruning, and the app
 * OutOfSync when anything counts. Apps without drift skip this (the bench's 10,000 per instance).
 */
export function applyDriftStatus(inst: ArgoInstance, app: SimApp) {
  if (!app.drift || app.comparisonError || app.children) return;
  const st = app.obj.status;
  let differs = false;
  for (const s of managedStates(inst, app)) {
    if (!s.target) {
      st.resources.push({
        ...(s.group ? { group: s.group } : {}),
        version: s.version,
        kind: s.kind,
        namespace: s.namespace,
        name: s.name,
        status: 'OutOfSync',
        ...(HEALTHY_KINDS.has(s.kind) ? { health: { status: 'Healthy' } } : {}),
        requiresPruning: true,
      });
      if (!ignoresExtraneous(s.live!)) differs = true;
      continue;
    }
    const entry = st.resources.find(
      (r: any) =>
        r.kind === s.kind && r.name === s.name && (r.group ?? '') === s.group,
    );
    if (entry && s.live)
      entry.status = s.diff.modified ? 'OutOfSync' : 'Synced';
    if (s.diff.modified) differs = true;
  }
  if (differs && st.sync.status === 'Synced') st.sync.status = 'OutOfSync';
}

/** Server-set metadata and status: not part of what a patch or an apply changes. */
function content(o: Obj) {
  const c = clone(o);
  delete c.status;
  const meta = c.metadata ?? {};
  for (const k of [
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'managedFields',
  ])
    delete meta[k];
  delete meta.annotations?.[LAST_APPLIED];
  delete meta.annotations?.['deployment.kubernetes.io/revision'];
  return c;
}

/**
 * What of a drift survives `kubectl apply` of the new config: the three-way merge resets what
 * git sets and keeps what git never set (a label someone added), as a patch on the new object.
 */
function leftOver(app: SimApp, was: Obj, now: Obj, patches: LivePatch[]) {
  const live = liveManaged(app, was, patches);
  const applied = threeWay(withoutNamespace(was), withoutNamespace(now), live);
  applyDefaults(applied);
  return mergeDiff(content(liveManaged(app, now, [])), content(applied));
}

const included = (
  req: SyncRequest,
  k: { group: string; kind: string; name: string },
) =>
  !req.resources ||
  req.resources.some(
    r => r.kind === k.kind && r.name === k.name && (r.group ?? '') === k.group,
  );

/**
 * What a successful sync does to the drift: the resources it applies are as git says again;
 * a live-only resource is deleted only with prune (else `PruneSkipped`, as Argo reports it).
 * A dry run changes nothing. Returns the live-only resources' syncResult entries.
 */
export function syncDrift(app: SimApp, req: SyncRequest, target: Desired) {
  const drift = app.drift;
  if (!drift) return [];
  const results = [];
  for (const [key, o] of drift.extra) {
    const k = keyOf(o);
    if (!included(req, k)) continue;
    const prune = !!req.prune;
    results.push({
      ...(k.group ? { group: k.group } : {}),
      version: versionOf(o.apiVersion),
      kind: k.kind,
      namespace: k.namespace,
      name: k.name,
      status: prune ? 'Pruned' : 'PruneSkipped',
      message: prune
        ? `pruned${req.dryRun ? ' (dry run)' : ''}`
        : 'ignored (requires pruning)',
      hookPhase: 'Succeeded',
      syncPhase: 'Sync',
    });
    if (prune && !req.dryRun) drift.extra.delete(key);
  }
  if (!req.dryRun) {
    const before = renderObjects(app, app.live);
    const after = renderObjects(app, target);
    for (const [key, patches] of [...drift.patches]) {
      const [group, kind, , name] = key.split('/');
      if (!included(req, { group, kind, name })) continue;
      drift.patches.delete(key);
      const was = before.find(o => resourceKey(keyOf(o)) === key);
      const now = after.find(o => resourceKey(keyOf(o)) === key);
      const left = was && now && leftOver(app, was, now, patches);
      if (left)
        drift.patches.set(key, [
          { ...patches[patches.length - 1], type: 'merge', patch: left },
        ]);
    }
  }
  if (!drift.patches.size && !drift.extra.size) app.drift = undefined;
  return results;
}

/** The Deployment's live replica count (a drift may have scaled it). */
export function liveReplicas(app: SimApp): number {
  let replicas = app.live.replicas ?? 1;
  for (const [key, patches] of app.drift?.patches ?? []) {
    if (!key.startsWith('apps/Deployment/')) continue;
    for (const p of patches)
      if (typeof p.patch.spec?.replicas === 'number')
        replicas = p.patch.spec.replicas;
  }
  return replicas;
}

/**
 * The image a drift set on the Deployment's container (`kubectl set image`), when one did: the
 * live image, which the cluster pulls and the app's health and summary follow.
 */
export function liveImage(app: SimApp): string | undefined {
  let image: string | undefined;
  for (const [key, patches] of app.drift?.patches ?? []) {
    if (!key.startsWith('apps/Deployment/')) continue;
    for (const p of patches) {
      const containers = p.patch.spec?.template?.spec?.containers;
      if (!Array.isArray(containers)) continue;
      const c =
        containers.find((x: any) => x?.name === app.service) ?? containers[0];
      if (typeof c?.image === 'string') image = c.image;
    }
  }
  return image;
}

/** Resource-tree nodes for the live objects git doesn't hold. */
export function extraNodes(app: SimApp) {
  return [...(app.drift?.extra.values() ?? [])].map(o => ({
    ...(groupOf(o.apiVersion) ? { group: groupOf(o.apiVersion) } : {}),
    version: versionOf(o.apiVersion),
    kind: o.kind,
    namespace: o.metadata.namespace,
    name: o.metadata.name,
    uid: o.metadata.uid,
    resourceVersion: o.metadata.resourceVersion,
    createdAt: o.metadata.creationTimestamp,
    ...(HEALTHY_KINDS.has(o.kind) ? { health: { status: 'Healthy' } } : {}),
  }));
}
