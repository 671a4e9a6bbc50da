import type { Router } from 'express';
import { z } from 'zod';
import type { EntityPermissions } from '@internal/backstage-plugin-gitops-common';
import type { CostTrendView } from '../views/costTrend';
import type { EventsView } from '../views/events';
import type { DiffView } from '../views/diff/DiffView';
import type { EntityViews, OverviewView } from '../views/EntityViews';
import type { HistoryView } from '../views/history';
import type { ResourcesView } from '../views/resources';
import type { RolloutsView } from '../views/rollouts/RolloutsView';
import { VersionCostView } from '../views/versionCost';
import { sendJson } from './cachedJson';
import type { EntityContext, EntityResolver } from './entityContext';
import { parse, windowField } from './parse';

export const ENTITY_BASE = '/entities/:kind/:namespace/:name';

/** Exhaustive by type, so a new permission of the page can't be left out of the answer. */
const PERMISSION_KEYS: Record<keyof EntityPermissions, true> = {
  sync: true,
  prune: true,
  refresh: true,
  rollback: true,
  promote: true,
  approve: true,
  promoteRollout: true,
  abortRollout: true,
};
const PERMISSION_NAMES = Object.keys(PERMISSION_KEYS) as Array<
  keyof EntityPermissions
>;

/** The entity's overview for a window: the stored one, or one computed for an entity not mirrored. */
export function overviewViewOf(
  views: EntityViews,
  context: EntityContext,
  window: string,
): OverviewView {
  return (
    (context.mirrored && views.get(context.ref, window)) ||
    views.transient(context.entity, window)
  );
}

/** What the caller may do on the entity (what the overview answers with). */
export function permissionsOf(context: EntityContext): EntityPermissions {
  return Object.fromEntries(
    PERMISSION_NAMES.map(name => [name, context.decisions[name]]),
  ) as EntityPermissions;
}

/**
 * The read routes of an entity page: the overview (stored bytes plus the caller's
 * permissions: one request for the whole page), the tab's history, resources and cost trend,
 * the events, the diff and the Argo Rollouts of its applications (asked when a person
 * opens them), and what a version costs in an environment (the Promote dialog).
 * Each answer carries an ETag; `If-None-Match` gets a 304.
 */
export function entityRoutes(
  router: Router,
  deps: {
    resolve: EntityResolver['fromRequest'];
    views: EntityViews;
    history: HistoryView;
    resources: ResourcesView;
    events: EventsView;
    diffs: DiffView;
    rollouts: RolloutsView;
    costTrend: CostTrendView;
    /** The configured cost windows, the default first. */
    costWindows: string[];
  },
) {
  const [defaultWindow] = deps.costWindows;
  const overviewQuery = z.object({
    costWindow: windowField(deps.costWindows).optional(),
  });
  const trendQuery = z.object({
    window: windowField(deps.costWindows).optional(),
  });

  router.get(`${ENTITY_BASE}/overview`, async (req, res) => {
    const query = parse(overviewQuery, req.query, 'query');
    const context = await deps.resolve(req);
    const window = query.costWindow ?? defaultWindow;
    const view = overviewViewOf(deps.views, context, window);
    const permissions = permissionsOf(context);
    const bits = PERMISSION_NAMES.map(n => (permissions[n] ? 1 : 0)).join('');
    // The stored content, with when it changed and what this caller may do.
    const body = `{"asOf":${JSON.stringify(view.asOf)},${view.content.slice(
      1,
      -1,
    )},"permissions":${JSON.stringify(permissions)}}`;
    sendJson(req, res, body, `W/"${view.hash}.${bits}"`);
  });

  router.get(`${ENTITY_BASE}/history`, async (req, res) => {
    const context = await deps.resolve(req);
    const history = await deps.history.history(context.entity, defaultWindow);
    sendJson(req, res, JSON.stringify(history));
  });

  router.get(`${ENTITY_BASE}/resources`, async (req, res) => {
    const context = await deps.resolve(req);
    const resources = await deps.resources.resources(
      context.entity,
      defaultWindow,
    );
    sendJson(req, res, JSON.stringify(resources));
  });

  // The events, the diff and the Rollouts: of all the entity's applications, or of one.
  const applicationQuery = z.object({
    application: z
      .string()
      .regex(/^[^/]+\/[^/]+$/, 'expected <instance>/<application name>')
      .optional(),
  });
  router.get(`${ENTITY_BASE}/events`, async (req, res) => {
    const query = parse(applicationQuery, req.query, 'query');
    const context = await deps.resolve(req);
    const events = await deps.events.events(context.entity, query.application);
    sendJson(req, res, JSON.stringify(events));
  });
  router.get(`${ENTITY_BASE}/diff`, async (req, res) => {
    const query = parse(applicationQuery, req.query, 'query');
    const context = await deps.resolve(req);
    const diffs = await deps.diffs.diffs(context.entity, query.application);
    sendJson(req, res, JSON.stringify(diffs));
  });
  router.get(`${ENTITY_BASE}/rollouts`, async (req, res) => {
    const query = parse(applicationQuery, req.query, 'query');
    const context = await deps.resolve(req);
    const rollouts = await deps.rollouts.rollouts(
      context.entity,
      query.application,
    );
    sendJson(req, res, JSON.stringify(rollouts));
  });

  // What the source environment of a promotion costs per day at its version (Promote dialog).
  const versionCost = new VersionCostView({
    history: deps.history,
    costTrend: deps.costTrend,
    window: defaultWindow,
    now: () => Date.now(),
  });
  const versionCostQuery = z
    .object({
      environment: z.string().min(1).max(63),
      version: z.string().min(1).max(128),
    })
    .strict();
  router.get(`${ENTITY_BASE}/version-cost`, async (req, res) => {
    const query = parse(versionCostQuery, req.query, 'query');
    const context = await deps.resolve(req);
    const answer = await versionCost.versionCost(
      context.entity,
      query.environment,
      query.version,
    );
    sendJson(req, res, JSON.stringify(answer));
  });

  router.get(`${ENTITY_BASE}/cost-trend`, async (req, res) => {
    const query = parse(trendQuery, req.query, 'query');
    const context = await deps.resolve(req);
    const trend = await deps.costTrend.trend(
      context.entity,
      query.window ?? defaultWindow,
    );
    sendJson(req, res, JSON.stringify(trend));
  });
}
