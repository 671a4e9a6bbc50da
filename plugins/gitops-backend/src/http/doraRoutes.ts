import { InputError } from '@backstage/errors';
import type { Router } from 'express';
import { z } from 'zod';
import type { EstateMembership } from '../entities/membership';
import type { DoraView } from '../views/dora/DoraView';
import { sendJson } from './cachedJson';
import type { EntityResolver } from './entityContext';
import { ENTITY_BASE } from './entityRoutes';
import { readableMembers } from './estateMembers';
import { parse } from './parse';

/** Kinds with DORA figures: a service, or the services a team owns or a system contains. */
const DORA_KINDS = ['component', 'group', 'system'];

const doraQuery = z.object({
  days: z
    .string()
    .refine(d => d === '30' || d === '90', { message: 'must be 30 or 90' })
    .optional(),
});

/**
 * `GET /entities/:kind/:namespace/:name/dora?days=30|90`: the DORA figures of a Component, or
 * of the services a Group owns or a System contains (only those the caller may see). The entity
 * goes through the same resolver as every entity route: one the caller can't see is a 404.
 */
export function doraRoutes(
  router: Router,
  deps: {
    resolver: EntityResolver;
    dora: DoraView;
    /** The annotated entities a Group owns or a System contains. */
    membership: Pick<EstateMembership, 'membersOf' | 'entityOf'>;
  },
) {
  router.get(`${ENTITY_BASE}/dora`, async (req, res) => {
    const query = parse(doraQuery, req.query, 'query');
    const kind = String(req.params.kind).toLowerCase();
    if (!DORA_KINDS.includes(kind)) {
      throw new InputError(
        `Invalid path.kind: DORA figures are for a Component, Group or System, not ${req.params.kind}`,
      );
    }
    // A team or a system is read as the estate routes read it: kept, no catalog call per view.
    const context =
      kind === 'component'
        ? await deps.resolver.fromRequest(req)
        : await deps.resolver.estateFromRequest(req);
    const services =
      kind === 'component'
        ? [context.entity]
        : await readableMembers(deps, context);
    const figures = await deps.dora.figures(
      context.entity,
      services,
      Number(query.days ?? '30'),
    );
    sendJson(req, res, JSON.stringify(figures));
  });
}
