import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { entityOwners } from '../promotion/owners';
import { link, unlink } from '../util/setIndex';
import { refKey, type EntityChange } from './EntityMirror';

/** What makes an annotated entity part of an estate: its owner and its systems. */
type Membership = { owners: string[]; systems: string[] };

/** A ref as the catalog writes it (`group:default/team-payments`), or undefined when unparsable. */
function normalizedRef(
  ref: unknown,
  defaults: { defaultKind: string; defaultNamespace: string },
): string | undefined {
  if (typeof ref !== 'string' || !ref.trim()) return undefined;
  try {
    return refKey(stringifyEntityRef(parseEntityRef(ref.trim(), defaults)));
  } catch {
    return undefined;
  }
}

const kindOf = (ref: string) => ref.slice(0, ref.indexOf(':'));

/**
 * Who owns an entity and which systems it is part of: `spec.owner` / `spec.system` as written
 * (a bare name is a group / a system of the entity's namespace) and the `ownedBy` / `partOf`
 * relations the catalog's stitching adds, so an entity read before or without stitching counts
 * too. Only `partOf` relations to a System count (a subcomponent is `partOf` its component).
 */
export function membershipOf(entity: Entity): Membership {
  const namespace = entity.metadata.namespace ?? 'default';
  const spec = (entity.spec ?? {}) as { system?: unknown };
  const owners = entityOwners(entity);
  const systems = new Set<string>();
  const system = normalizedRef(spec.system, {
    defaultKind: 'system',
    defaultNamespace: namespace,
  });
  if (system) systems.add(system);
  for (const relation of entity.relations ?? []) {
    const target = normalizedRef(relation.targetRef, {
      defaultKind: 'group',
      defaultNamespace: namespace,
    });
    if (relation.type === 'partOf' && target && kindOf(target) === 'system') {
      systems.add(target);
    }
  }
  return { owners: owners.sort(), systems: [...systems].sort() };
}

/**
 * Which annotated entities each Group owns directly and each System contains, indexed from the
 * entity mirror's entities and kept current from its changes: an estate's members cost a map
 * lookup, never a catalog query. Refs are compared lower-cased, as the catalog compares them.
 */
export class EstateMembership {
  private readonly byEstate = new Map<string, Set<string>>();
  private readonly members = new Map<
    string,
    { entity: Entity; membership: Membership }
  >();
  private readonly listeners: Array<
    (estates: string[], memberRef: string) => void
  > = [];

  /**
   * Hears the estates (lower-cased refs) whose members changed: `memberRef` came, went, moved
   * or changed.
   */
  onChange(listener: (estates: string[], memberRef: string) => void) {
    this.listeners.push(listener);
  }

  /** Follows the entity mirror (call it from `mirror.onChange`). */
  onEntity(change: EntityChange) {
    const key = refKey(change.ref);
    const before = this.members.get(key);
    const after = change.entity ? membershipOf(change.entity) : undefined;
    const estatesBefore = before ? estatesIn(before.membership) : [];
    for (const estate of estatesBefore) unlink(this.byEstate, estate, key);
    if (change.entity && after) {
      this.members.set(key, { entity: change.entity, membership: after });
      for (const estate of estatesIn(after)) link(this.byEstate, estate, key);
    } else {
      this.members.delete(key);
    }
    const touched = new Set([
      ...estatesBefore,
      ...(after ? estatesIn(after) : []),
    ]);
    for (const listener of this.listeners) listener([...touched], key);
  }

  /** The member refs (lower-cased) of a group or system, sorted. */
  membersOf(estateRef: string): string[] {
    return [...(this.byEstate.get(refKey(estateRef)) ?? [])].sort();
  }

  /** The mirrored entity of a member. */
  entityOf(memberRef: string): Entity | undefined {
    return this.members.get(refKey(memberRef))?.entity;
  }

  /** The systems (lower-cased refs) a member is part of. */
  systemsOf(memberRef: string): string[] {
    return this.members.get(refKey(memberRef))?.membership.systems ?? [];
  }

  /** The groups and systems a member belongs to (whose estate pages show it). */
  estatesOf(memberRef: string): string[] {
    const entry = this.members.get(refKey(memberRef));
    return entry ? estatesIn(entry.membership) : [];
  }

  /** Every group or system with at least one member. */
  estates(): string[] {
    return [...this.byEstate.keys()];
  }
}

/** The owners that can have an estate page (groups; a user owner has none) and the systems. */
function estatesIn(membership: Membership): string[] {
  return [
    ...membership.owners.filter(ref => kindOf(ref) === 'group'),
    ...membership.systems,
  ];
}
