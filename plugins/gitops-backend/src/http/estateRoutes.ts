import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type {
  EntityEstate,
  EstateApproval,
  SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import type express from 'express';
import type { Router } from 'express';
import { z } from 'zod';
import { refKey } from '../entities/EntityMirror';
import type { EstateMembership } from '../entities/membership';
import type { PromotionService } from '../promotion';
import { describeError } from '../util/errors';
import type { CostTrendView } from '../views/costTrend';
import { costCsv } from '../views/estate/costCsv';
import { estateCostTrend } from '../views/estate/estateCostTrend';
import type { EstateViews } from '../views/estate/EstateViews';
import { etagOf, sendJson } from './cachedJson';
import type { EntityResolver } from './entityContext';
import { ENTITY_BASE } from './entityRoutes';
import { readableMembers } from './estateMembers';
import { entityParams, parse, windowField } from './parse';

const ESTATE_KINDS = ['group', 'system'];

/**
 * The estate of a Group (the annotated services it owns) or a System (those part of it): the
 * matrix, cost, backups and approvals in one answer, the chargeback CSV and the cost trend.
 * The group or system is read as the caller may see it (404 otherwise), and so is each member:
 * the members the caller can't read in the catalog are left out of every sum.
 */
export function estateRoutes(
  router: Router,
  deps: {
    resolver: EntityResolver;
    estates: EstateViews;
    membership: EstateMembership;
    costTrend: CostTrendView;
    /** The configured cost windows, the default first. */
    costWindows: string[];
    /** Environments in promotion order (`gitops.environments`). */
    environments: string[];
    /** Undefined when promotion is off (no `gitops.repository`). */
    promotions?: PromotionService;
  },
) {
  const [defaultWindow] = deps.costWindows;
  const estateQuery = z.object({
    window: windowField(deps.costWindows).optional(),
  });

  /** The estate of a request, over the members its caller may read. */
  const estateOf = async (req: express.Request) => {
    const params = parse(entityParams, req.params, 'path');
    if (!ESTATE_KINDS.includes(params.kind.toLowerCase())) {
      throw new InputError(
        `Invalid path.kind: an estate is of a Group or a System, not of a ${params.kind}`,
      );
    }
    const query = parse(estateQuery, req.query, 'query');
    const context = await deps.resolver.estateFromRequest(req);
    const window = query.window ?? defaultWindow;
    const members = await readableMembers(deps, context);
    const visible = members.map(e => refKey(stringifyEntityRef(e)));
    const view = deps.estates.get(context.ref, window, visible);
    return { context, window, members, visible, view };
  };

  /** The visible members' promotions waiting in a pull request (one query for all). */
  const approvalsOf = async (
    visible: string[],
  ): Promise<{ approvals: EstateApproval[]; source?: SourceStatus }> => {
    if (!deps.promotions || visible.length === 0) return { approvals: [] };
    const shown = new Set(visible);
    try {
      const waiting = await deps.promotions.waiting();
      return {
        approvals: waiting
          .filter(p => shown.has(refKey(p.entityRef)))
          .map(p => {
            const entity = deps.membership.entityOf(p.entityRef);
            return {
              promotionId: p.id,
              entityRef: entity ? stringifyEntityRef(entity) : p.entityRef,
              version: p.version,
              fromEnv: p.fromEnv,
              toEnv: p.toEnv,
              ...(p.requester ? { requestedBy: p.requester } : {}),
              createdAt: p.createdAt,
              ...(p.prUrl ? { url: p.prUrl } : {}),
            };
          }),
      };
    } catch (error) {
      return {
        approvals: [],
        source: {
          kind: 'git',
          provider: 'promotions',
          name: 'approvals',
          status: 'error',
          error: describeError(error),
        },
      };
    }
  };

  router.get(`${ENTITY_BASE}/estate`, async (req, res) => {
    const { context, visible, view } = await estateOf(req);
    const { approvals, source } = await approvalsOf(visible);
    const approvalsJson = JSON.stringify(approvals);
    const head = `{"entityRef":${JSON.stringify(
      context.ref,
    )},"asOf":${JSON.stringify(view.asOf)}`;
    let body = `${head},${view.content.slice(
      1,
      -1,
    )},"approvals":${approvalsJson}}`;
    if (source) {
      // Rare (the plugin's database failed): the answer is built again with that source.
      const estate = JSON.parse(body) as EntityEstate;
      estate.sources = [...estate.sources, source];
      body = JSON.stringify(estate);
    }
    sendJson(
      req,
      res,
      body,
      `W/"${view.hash}.${etagOf(approvalsJson).slice(3, -1)}"`,
    );
  });

  router.get(`${ENTITY_BASE}/estate/cost.csv`, async (req, res) => {
    const { context, window, view } = await estateOf(req);
    const estate = JSON.parse(view.content) as Pick<EntityEstate, 'cost'>;
    const filename = `${context.entity.metadata.name}-cost-${window}.csv`;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.status(200).send(costCsv(estate.cost));
  });

  router.get(`${ENTITY_BASE}/estate/cost-trend`, async (req, res) => {
    const { context, window, members } = await estateOf(req);
    const trend = await estateCostTrend({
      entityRef: context.ref,
      window,
      members,
      order: deps.environments,
      trendOf: (entity, w) => deps.costTrend.trend(entity, w),
    });
    sendJson(req, res, JSON.stringify(trend));
  });
}
