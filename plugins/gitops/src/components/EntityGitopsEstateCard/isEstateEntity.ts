import type { Entity } from '@backstage/catalog-model';

/** The estate is a Group's (the services it owns) or a System's (the services it contains). */
export const isEstateEntity = (entity: Entity) =>
  ['group', 'system'].includes(entity.kind.toLocaleLowerCase('en-US'));
