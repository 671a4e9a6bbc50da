/**
 * Which entities were viewed, and which applications and sources they showed: the reverse
 * index that tells which entities a snapshot change affects (for live updates).
 */
export class EntityIndex {
  private readonly appToEntities = new Map<string, Set<string>>();
  private readonly entityToApps = new Map<string, Set<string>>();
  private readonly sourceToEntities = new Map<string, Set<string>>();

  constructor(private readonly maxEntities = 10_000) {}

  record(entityRef: string, appKeys: string[]) {
    const ref = entityRef.toLocaleLowerCase('en-US');
    for (const old of this.entityToApps.get(ref) ?? []) {
      this.appToEntities.get(old)?.delete(ref);
    }
    if (
      !this.entityToApps.has(ref) &&
      this.entityToApps.size >= this.maxEntities
    ) {
      const oldest = this.entityToApps.keys().next().value;
      if (oldest) this.forget(oldest);
    }
    this.entityToApps.set(ref, new Set(appKeys));
    for (const key of appKeys) {
      let set = this.appToEntities.get(key);
      if (!set) this.appToEntities.set(key, (set = new Set()));
      set.add(ref);
    }
  }

  recordSources(entityRef: string, sourceKeys: string[]) {
    const ref = entityRef.toLocaleLowerCase('en-US');
    for (const key of sourceKeys) {
      let set = this.sourceToEntities.get(key);
      if (!set) this.sourceToEntities.set(key, (set = new Set()));
      set.add(ref);
    }
  }

  private forget(ref: string) {
    for (const key of this.entityToApps.get(ref) ?? []) {
      this.appToEntities.get(key)?.delete(ref);
    }
    for (const set of this.sourceToEntities.values()) set.delete(ref);
    this.entityToApps.delete(ref);
  }

  entitiesOfApp(appKey: string): string[] {
    return [...(this.appToEntities.get(appKey) ?? [])];
  }

  entitiesOfSource(sourceKey: string): string[] {
    return [...(this.sourceToEntities.get(sourceKey) ?? [])];
  }
}
