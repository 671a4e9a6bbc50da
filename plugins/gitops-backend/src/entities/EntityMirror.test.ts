import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EntityMirror, type EntityChange } from './EntityMirror';

const entity = (name: string, etag: string, annotated = true): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    etag,
    annotations: annotated ? { 'argocd/app-selector': `app=${name}` } : {},
  },
  spec: {},
});

/** The catalog's answers, changeable between reads, with the calls they got. */
function catalogOf(entities: Entity[]) {
  const catalog = catalogServiceMock.mock();
  const calls: string[] = [];
  catalog.getEntities.mockImplementation(async request => {
    calls.push(`getEntities ${(request?.fields ?? []).join(',')}`);
    const annotated = entities.filter(
      e =>
        e.metadata.annotations?.['argocd/app-selector'] ||
        e.metadata.annotations?.['argocd/app-name'],
    );
    return {
      items: annotated.map(e => ({
        kind: e.kind,
        metadata: {
          name: e.metadata.name,
          namespace: e.metadata.namespace,
          etag: e.metadata.etag,
        },
      })) as Entity[],
    };
  });
  catalog.getEntitiesByRefs.mockImplementation(async request => {
    calls.push(`getEntitiesByRefs ${request.entityRefs.join(',')}`);
    return {
      items: request.entityRefs.map(ref =>
        entities.find(e => `component:default/${e.metadata.name}` === ref),
      ),
    };
  });
  return { catalog, calls };
}

function mirrorOf(entities: Entity[]) {
  const { catalog, calls } = catalogOf(entities);
  const mirror = new EntityMirror({
    catalog,
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    intervalMs: 60_000,
  });
  const changes: EntityChange[] = [];
  mirror.onChange(c => changes.push(c));
  return { mirror, calls, changes };
}

describe('EntityMirror', () => {
  it('reads the annotated entities, then only the changed ones, and notices removals', async () => {
    const entities = [
      entity('payments-api', 'e1'),
      entity('chores-api', 'e1'),
      entity('status-page', 'e1', false),
    ];
    const { mirror, calls, changes } = mirrorOf(entities);
    await mirror.start();
    expect(
      mirror
        .list()
        .map(e => e.metadata.name)
        .sort(),
    ).toEqual(['chores-api', 'payments-api']);
    expect(mirror.get('Component:default/Payments-API')).toBeDefined();
    expect(calls).toEqual([
      'getEntities kind,metadata.namespace,metadata.name,metadata.etag',
      'getEntitiesByRefs component:default/payments-api,component:default/chores-api',
    ]);

    calls.length = 0;
    changes.length = 0;
    entities[0] = entity('payments-api', 'e2');
    entities.splice(1, 1);
    await mirror.refresh();
    // Only the changed entity is read in full; the removed one is announced.
    expect(calls).toEqual([
      'getEntities kind,metadata.namespace,metadata.name,metadata.etag',
      'getEntitiesByRefs component:default/payments-api',
    ]);
    expect(changes.map(c => [c.ref, c.entity?.metadata.etag])).toEqual([
      ['component:default/payments-api', 'e2'],
      ['component:default/chores-api', undefined],
    ]);
    mirror.stop();
  });

  it('reads the catalog once soon when many page views find an entity it lacks', async () => {
    jest.useFakeTimers();
    try {
      const { mirror, calls } = mirrorOf([entity('payments-api', 'e1')]);
      await mirror.start();
      calls.length = 0;
      for (let i = 0; i < 50; i++) {
        mirror.refreshSoon();
        await jest.advanceTimersByTimeAsync(100);
      }
      // 5 s of page views: one read a second after the first, not one per view, and not never.
      expect(calls.filter(c => c.startsWith('getEntities '))).toHaveLength(1);
      mirror.stop();
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps what it has when the catalog fails, and says so once', async () => {
    const { catalog } = catalogOf([entity('payments-api', 'e1')]);
    const logger = mockServices.logger.mock();
    const mirror = new EntityMirror({
      catalog,
      auth: mockServices.auth(),
      logger,
      intervalMs: 60_000,
    });
    await mirror.start();
    catalog.getEntities.mockRejectedValue(new Error('catalog down'));
    await mirror.refresh();
    await mirror.refresh();
    expect(mirror.get('component:default/payments-api')).toBeDefined();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    mirror.stop();
  });
});
