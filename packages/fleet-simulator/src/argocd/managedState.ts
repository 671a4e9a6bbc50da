import { SimApp, iso, resourceKey } from './app';
import { rolloutStatus } from './rollouts/status';
import type { ArgoInstance } from './instance';
import {
  LAST_APPLIED,
  TRACKING,
  applyDefaults,
  keyOf,
  managedFieldsEntry,
  objectUid,
  ownedFields,
  renderObjects,
  statusOf,
  trackingId,
  versionOf,
} from './k8sObjects';
import {
  Obj,
  clone,
  fieldsV1,
  goJson,
  isObj,
  mergePatch,
  removeFields,
  removeJq,
  removePointer,
  strategicPatch,
  subtractFields,
  threeWay,
  unionFields,
} from './objectJson';

/**
 * The live object of a resource the last sync applied (`config`): what the API server made of
 * it (defaults, uid, resourceVersion, generation, managedFields, the last-applied annotation,
 * status), then the app's drift patches on top.
 */
export function liveManaged(
  app: SimApp,
  config: Obj,
  patches = app.drift?.patches.get(resourceKey(keyOf(config))) ?? [],
): Obj {
  const { kind } = config;
  const { name, namespace: ns } = config.metadata;
  const history: any[] = app.obj.status.history ?? [];
  const last = history[history.length - 1];
  const revision = (last?.id ?? 0) + 1;
  const created: string = app.obj.metadata.creationTimestamp;
  const appliedAt: string = last?.deployedAt ?? created;
  const ssa = (app.obj.spec.syncPolicy?.syncOptions ?? []).includes(
    'ServerSideApply=true',
  );
  let live = clone(config);
  live.metadata.annotations = {
    ...live.metadata.annotations,
    [LAST_APPLIED]: `${goJson(config)}\n`,
  };
  applyDefaults(live);
  let argoFields = ownedFields(live);
  const id = objectUid(ns, kind, name);
  if (kind === 'Deployment')
    live.metadata.annotations['deployment.kubernetes.io/revision'] =
      String(revision);
  if (kind === 'Service') {
    const h = parseInt(id.slice(0, 4), 16);
    live.spec.clusterIP ??= `10.96.${h >> 8}.${h & 255 || 1}`;
    live.spec.clusterIPs ??= [live.spec.clusterIP];
  }
  for (const p of patches)
    live =
      p.type === 'strategic'
        ? strategicPatch(live, p.patch)
        : mergePatch(live, p.patch);
  applyDefaults(live);
  const meta = (live.metadata = isObj(live.metadata) ? live.metadata : {});
  Object.assign(meta, {
    name,
    namespace: ns,
    uid: id,
    resourceVersion: patches.length
      ? patches[patches.length - 1].resourceVersion
      : String(100_000 + revision * 8 + kind.length),
    creationTimestamp: created,
  });
  if (kind === 'Deployment')
    meta.generation =
      revision + patches.filter(p => isObj(p.patch.spec)).length;
  const rollout = kind === 'Rollout' ? app.rollout : undefined;
  if (rollout) {
    meta.generation = rollout.generation;
    meta.annotations['rollout.argoproj.io/revision'] = String(
      rollout.current.revision,
    );
  }
  const status = rollout
    ? rolloutStatus(app, rollout)
    : statusOf(live, app.obj.status.health?.status, appliedAt);
  if (status) live.status = status;
  else delete live.status;
  const byManager = new Map<string, { fields: Obj; time: string }>();
  for (const p of patches) {
    const prev = byManager.get(p.manager);
    const fields = fieldsV1(p.patch);
    byManager.set(p.manager, {
      fields: prev ? unionFields(prev.fields, fields) : fields,
      time: p.time,
    });
  }
  for (const m of byManager.values())
    argoFields = subtractFields(argoFields, m.fields);
  meta.managedFields = [
    managedFieldsEntry(
      'argocd-controller',
      ssa ? 'Apply' : 'Update',
      appliedAt,
      config.apiVersion,
      argoFields,
    ),
    ...(rollout
      ? [
          managedFieldsEntry(
            'rollouts-controller',
            'Update',
            iso(rollout.observedAt),
            config.apiVersion,
            { 'f:status': fieldsV1(status, 'status') },
            'status',
          ),
        ]
      : []),
    ...(kind === 'Deployment'
      ? [
          managedFieldsEntry(
            'kube-controller-manager',
            'Update',
            appliedAt,
            config.apiVersion,
            {
              'f:metadata': {
                'f:annotations': { 'f:deployment.kubernetes.io/revision': {} },
              },
              'f:status': fieldsV1(status, 'status'),
            },
            'status',
          ),
        ]
      : []),
    ...[...byManager].map(([manager, m]) =>
      managedFieldsEntry(
        manager,
        'Update',
        m.time,
        config.apiVersion,
        m.fields,
      ),
    ),
  ];
  return live;
}

export interface IgnoreRule {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  managedFieldsManagers?: string[];
}

const glob = (pattern: string, s: string) =>
  new RegExp(
    `^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`,
  ).test(s);

/** The app's ignoreDifferences entries that apply to a resource (as Argo matches them). */
export function rulesFor(app: SimApp, k: ReturnType<typeof keyOf>) {
  const rules: IgnoreRule[] = app.obj.spec.ignoreDifferences ?? [];
  return rules.filter(
    r =>
      glob(r.group ?? '', k.group) &&
      glob(r.kind ?? '', k.kind) &&
      (!r.name || r.name === k.name) &&
      (!r.namespace || r.namespace === k.namespace),
  );
}

/**
 * Argo's normalization before a diff: `metadata.creationTimestamp` and (v3's default
 * `ignoreResourceStatusField: all`) `status` dropped, then what ignoreDifferences names removed:
 * JSON pointers, jq paths, and the fields the trusted managers own in the live object.
 */
function normalize(o: Obj | undefined, rules: IgnoreRule[], managed: any[]) {
  if (!o) return undefined;
  const n = clone(o);
  if (isObj(n.metadata)) delete n.metadata.creationTimestamp;
  delete n.status;
  for (const r of rules) {
    for (const p of r.jsonPointers ?? []) removePointer(n, p);
    for (const e of r.jqPathExpressions ?? []) removeJq(n, e);
    for (const m of r.managedFieldsManagers ?? [])
      for (const entry of managed.filter(e => e.manager === m))
        removeFields(n, entry.fieldsV1 ?? {});
  }
  return n;
}

export const withoutNamespace = (o: Obj) => {
  const c = clone(o);
  if (isObj(c.metadata)) {
    delete c.metadata.namespace;
    if (
      isObj(c.metadata.annotations) &&
      !Object.keys(c.metadata.annotations).length
    )
      delete c.metadata.annotations;
  }
  return c;
};

/**
 * gitops-engine's diff of one resource (client-side apply): the normalized live object, the live
 * object predicted after applying the target (three-way, from the last-applied annotation), and
 * whether they differ. A resource only live needs pruning but is not "modified".
 */
export function resourceDiff(
  target: Obj | undefined,
  live: Obj | undefined,
  rules: IgnoreRule[],
) {
  const managed = live?.metadata?.managedFields ?? [];
  const l = normalize(live, rules, managed);
  const t = normalize(target, rules, managed);
  if (!t) return { normalized: goJson(l), predicted: 'null', modified: false };
  if (!l) return { normalized: 'null', predicted: goJson(t), modified: true };
  const applied = live?.metadata?.annotations?.[LAST_APPLIED];
  let orig: Obj = t;
  try {
    if (applied) orig = normalize(JSON.parse(applied), rules, managed)!;
  } catch {
    // an unreadable annotation: Argo falls back to a two-way diff
  }
  const predicted = threeWay(withoutNamespace(orig), withoutNamespace(t), l);
  // gitops-engine applies the scheme's defaults to both sides (an ignored replicas reads 1).
  applyDefaults(predicted);
  applyDefaults(l);
  const normalized = goJson(l);
  const after = goJson(predicted);
  return { normalized, predicted: after, modified: normalized !== after };
}

export interface ManagedState {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  target?: Obj;
  live?: Obj;
  diff: ReturnType<typeof resourceDiff>;
}

/** An app-of-apps root's resources: its child Applications as git holds them and as they are. */
function childStates(inst: ArgoInstance, app: SimApp): ManagedState[] {
  return (app.children ?? []).flatMap(name => {
    const child = inst.apps.get(name);
    if (!child) return [];
    const m = child.obj.metadata;
    const target: Obj = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name,
        namespace: m.namespace,
        labels: m.labels,
        ...(m.finalizers ? { finalizers: m.finalizers } : {}),
      },
      spec: clone(child.obj.spec),
    };
    target.metadata.annotations = {
      ...m.annotations,
      [TRACKING]: trackingId(app, target),
    };
    const live: Obj = {
      apiVersion: target.apiVersion,
      kind: 'Application',
      ...clone(child.obj),
    };
    live.metadata.annotations = {
      ...target.metadata.annotations,
      [LAST_APPLIED]: `${goJson(target)}\n`,
    };
    const k = keyOf(target);
    return [
      {
        ...k,
        version: 'v1alpha1',
        target,
        live,
        diff: resourceDiff(target, live, rulesFor(app, k)),
      },
    ];
  });
}

/**
 * Every resource of the app with its target and live objects and their diff: what git renders
 * at HEAD, what the last sync applied (plus drift), and live objects git doesn't hold. Computed
 * on request (and on refresh only for an app with drift).
 */
export function managedStates(inst: ArgoInstance, app: SimApp): ManagedState[] {
  if (app.children) return childStates(inst, app);
  const targets = renderObjects(app, app.desired);
  const applied = renderObjects(app, app.live);
  const byKey = new Map<string, { target?: Obj; live?: Obj }>();
  for (const t of targets) byKey.set(resourceKey(keyOf(t)), { target: t });
  for (const a of applied) {
    const k = resourceKey(keyOf(a));
    byKey.set(k, { ...byKey.get(k), live: liveManaged(app, a) });
  }
  for (const [k, o] of app.drift?.extra ?? [])
    byKey.set(k, { ...byKey.get(k), live: o });
  return [...byKey.values()].map(({ target, live }) => {
    const o = (target ?? live)!;
    const k = keyOf(o);
    return {
      ...k,
      version: versionOf(o.apiVersion),
      target,
      live,
      diff: resourceDiff(target, live, rulesFor(app, k)),
    };
  });
}

/** `GET .../managed-resources`: Argo's `applicationManagedResourcesResponse`. */
export function managedResourcesResponse(
  inst: ArgoInstance,
  app: SimApp,
  q: Record<string, unknown>,
) {
  const want = (field: string, v: string) =>
    typeof q[field] !== 'string' || !q[field] || q[field] === v;
  const items = managedStates(inst, app)
    .filter(
      s =>
        want('namespace', s.namespace) &&
        want('name', s.name) &&
        want('kind', s.kind) &&
        want('group', s.group),
    )
    // Go's encoding/json leaves out empty strings and false (`omitempty` on every field).
    .map(s => ({
      ...(s.group ? { group: s.group } : {}),
      kind: s.kind,
      ...(s.namespace ? { namespace: s.namespace } : {}),
      name: s.name,
      targetState: s.target ? goJson(s.target) : 'null',
      liveState: s.live ? goJson(s.live) : 'null',
      normalizedLiveState: s.diff.normalized,
      predictedLiveState: s.diff.predicted,
      ...(s.live?.metadata?.resourceVersion
        ? { resourceVersion: s.live.metadata.resourceVersion }
        : {}),
      ...(s.diff.modified ? { modified: true } : {}),
    }));
  return { items: items.length ? items : null };
}
