import { EventEmitter } from 'node:events';
import { SimClock } from '../clock';
import { uid } from '../argocd/app';
import { nextCronTime } from './cron';
import { backupObject } from './veleroObjects';
import { WatchLog } from './watchLog';

export const VELERO_NS = 'velero';
export const KINDS = {
  backups: 'Backup',
  schedules: 'Schedule',
  restores: 'Restore',
  backupstoragelocations: 'BackupStorageLocation',
} as const;
export type Plural = keyof typeof KINDS;

export interface KubeEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  plural: Plural;
  object: any;
}

const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const DAILY = '0 2 * * *';

export { backupName } from './veleroObjects';

/**
 * Velero's objects in one cluster: a daily Schedule per backed-up namespace producing
 * Backups over simulated time, seeded with ~7 days of history so RPO numbers exist.
 */
export class VeleroCluster {
  readonly store: Record<Plural, Map<string, any>> = {
    backups: new Map(),
    schedules: new Map(),
    restores: new Map(),
    backupstoragelocations: new Map(),
  };
  readonly events = new EventEmitter();
  /** The watch cache: recent events, replayed to watches from a resourceVersion. */
  readonly watchLog: WatchLog;
  private rv = 5000;
  private cancels: Array<() => void> = [];

  constructor(
    readonly cluster: string,
    private readonly clock: SimClock,
    readonly namespaces: string[],
    private readonly seed: number,
    locationUnavailable = false,
    watchWindow = 1000,
  ) {
    this.events.setMaxListeners(0);
    const now = clock.nowMs();
    this.put(
      'backupstoragelocations',
      {
        metadata: {
          name: 'default',
          creationTimestamp: iso(now - 30 * 86_400_000),
        },
        spec: {
          provider: 'aws',
          objectStorage: { bucket: `velero-${cluster}`, prefix: 'backups' },
          config: { region: 'eu-west-1' },
          default: true,
          accessMode: 'ReadWrite',
        },
        status: this.bslStatus(!locationUnavailable),
      },
      true,
    );
    for (const ns of [...namespaces].sort()) this.seedSchedule(ns, now);
    this.seedRestore(now);
    this.watchLog = new WatchLog(watchWindow, this.rv);
    this.scheduleGc();
  }

  get resourceVersion() {
    return String(this.rv);
  }

  /** The cluster's clock (simulated time): what ages in Tables are relative to. */
  nowMs(): number {
    return this.clock.nowMs();
  }

  private bslStatus(available: boolean) {
    const now = iso(this.clock.nowMs());
    return available
      ? { phase: 'Available', lastValidationTime: now, lastSyncedTime: now }
      : {
          phase: 'Unavailable',
          lastValidationTime: now,
          message:
            'BackupStorageLocation "default" is unavailable: rpc error: code = Unknown desc = AccessDenied: Access Denied\n\tstatus code: 403',
        };
  }

  setLocationAvailable(available: boolean) {
    const bsl = this.store.backupstoragelocations.get('default');
    bsl.status = this.bslStatus(available);
    this.put('backupstoragelocations', bsl);
  }

  /** Stores (and announces) an object, stamping kind, namespace, uid and resourceVersion. */
  put(plural: Plural, obj: any, silent = false) {
    const map = this.store[plural];
    const existed = map.has(obj.metadata.name);
    this.rv++;
    obj.apiVersion = 'velero.io/v1';
    obj.kind = KINDS[plural];
    obj.metadata = {
      ...obj.metadata,
      namespace: VELERO_NS,
      uid: obj.metadata.uid ?? uid(this.cluster, plural, obj.metadata.name),
      resourceVersion: String(this.rv),
      generation: obj.metadata.generation ?? 1,
    };
    map.set(obj.metadata.name, obj);
    if (!silent) this.announce(existed ? 'MODIFIED' : 'ADDED', plural, obj);
    return obj;
  }

  private announce(type: KubeEvent['type'], plural: Plural, object: any) {
    this.watchLog.record(this.rv, type, plural, object);
    this.events.emit('event', { type, plural, object } as KubeEvent);
  }

  /** Deletes an object; the DELETED event carries the deletion's resourceVersion. */
  delete(plural: Plural, name: string): any | undefined {
    const obj = this.store[plural].get(name);
    if (!obj) return undefined;
    this.store[plural].delete(name);
    this.rv++;
    const gone = {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(this.rv) },
    };
    this.announce('DELETED', plural, gone);
    return gone;
  }

  /** Velero's garbage collection (hourly): Backups past `status.expiration` are deleted. */
  private scheduleGc() {
    const next = (Math.floor(this.clock.nowMs() / 3_600_000) + 1) * 3_600_000;
    this.cancels.push(
      this.clock.at(next, () => {
        const now = this.clock.nowMs();
        for (const b of [...this.store.backups.values()])
          if (Date.parse(b.status?.expiration ?? '') <= now)
            this.delete('backups', b.metadata.name);
        this.scheduleGc();
      }),
    );
  }

  private seedSchedule(ns: string, now: number) {
    const name = `${ns}-daily`;
    const template = {
      includedNamespaces: [ns],
      ttl: '720h0m0s',
      storageLocation: 'default',
      snapshotVolumes: true,
    };
    const schedule = this.put(
      'schedules',
      {
        metadata: {
          name,
          creationTimestamp: iso(now - 8 * 86_400_000),
          labels: { 'app.kubernetes.io/managed-by': 'gitops' },
        },
        spec: {
          schedule: DAILY,
          template,
          useOwnerReferencesInBackup: false,
          paused: false,
        },
        status: { phase: 'Enabled' },
      },
      true,
    );
    // History: one run per day for the last 7 days.
    const runs: number[] = [];
    let t = now - 7 * 86_400_000;
    for (;;) {
      t = nextCronTime(DAILY, t);
      if (t > now) break;
      runs.push(t);
    }
    runs.forEach((start, i) => {
      const fromEnd = runs.length - 1 - i;
      // schedule-bot's prod namespace: last backup Failed, an earlier one PartiallyFailed.
      let phase = 'Completed';
      if (ns === 'schedule-bot-prod' && fromEnd === 0) phase = 'Failed';
      if (ns === 'schedule-bot-prod' && fromEnd === 3)
        phase = 'PartiallyFailed';
      this.put(
        'backups',
        backupObject(this.seed, name, template, start, phase),
        true,
      );
    });
    if (runs.length) schedule.status.lastBackup = iso(runs[runs.length - 1]);
    this.scheduleNext(name);
  }

  /**
   * Creates or updates a Schedule from its manifest, as `kubectl apply` would; a new one starts
   * running on its cron from now, with no history. Returns false when nothing changed.
   */
  applySchedule(manifest: any): boolean {
    const name = manifest.metadata.name as string;
    const existing = this.store.schedules.get(name);
    const spec = {
      useOwnerReferencesInBackup: false,
      paused: false,
      ...manifest.spec,
      template: { storageLocation: 'default', ...manifest.spec?.template },
    };
    if (existing && JSON.stringify(existing.spec) === JSON.stringify(spec))
      return false;
    this.put('schedules', {
      metadata: {
        name,
        labels: manifest.metadata.labels ?? {},
        creationTimestamp:
          existing?.metadata.creationTimestamp ?? iso(this.clock.nowMs()),
        generation: (existing?.metadata.generation ?? 0) + 1,
      },
      spec,
      status: { ...existing?.status, phase: 'Enabled' },
    });
    if (!existing) this.scheduleNext(name);
    return true;
  }

  private scheduleNext(scheduleName: string) {
    const s = this.store.schedules.get(scheduleName);
    if (!s) return;
    const next = nextCronTime(s.spec.schedule, this.clock.nowMs());
    this.cancels.push(this.clock.at(next, () => this.fire(scheduleName, next)));
  }

  private fire(scheduleName: string, at: number) {
    const s = this.store.schedules.get(scheduleName);
    if (!s) return;
    if (!s.spec.paused) {
      s.status.lastBackup = iso(at);
      this.put('schedules', s);
      this.runBackup(scheduleName, s.spec.template, at);
    }
    this.scheduleNext(scheduleName);
  }

  /** A Backup goes New → InProgress → Completed (or FailedValidation when the BSL is down). */
  runBackup(
    schedule: string | undefined,
    template: any,
    at: number = this.clock.nowMs(),
    name?: string,
  ) {
    const b = backupObject(this.seed, schedule, template, at, 'New');
    if (name) b.metadata.name = name;
    delete b.status.startTimestamp;
    this.put('backups', b);
    const bsl = this.store.backupstoragelocations.get(
      template.storageLocation ?? 'default',
    );
    if (bsl?.status?.phase !== 'Available') {
      b.status.phase = 'FailedValidation';
      b.status.validationErrors = [
        `backup can't be created because BackupStorageLocation ${
          template.storageLocation ?? 'default'
        } is in Unavailable status.`,
      ];
      this.put('backups', b);
      return;
    }
    b.status.phase = 'InProgress';
    b.status.startTimestamp = iso(at);
    this.put('backups', b);
    const done = backupObject(
      this.seed,
      schedule,
      template,
      at,
      'Completed',
    ).status;
    this.cancels.push(
      this.clock.at(Date.parse(done.completionTimestamp), () => {
        if (this.store.backups.get(b.metadata.name) !== b) return; // deleted meanwhile
        b.status = { ...done };
        this.put('backups', b);
      }),
    );
  }

  /** A Restore runs InProgress → Completed over a couple of simulated minutes. */
  runRestore(obj: any) {
    const now = this.clock.nowMs();
    obj.status = { phase: 'InProgress', startTimestamp: iso(now) };
    obj.metadata.creationTimestamp = iso(now);
    this.put('restores', obj);
    this.cancels.push(
      this.clock.at(now + 2 * 60_000, () => {
        if (this.store.restores.get(obj.metadata.name) !== obj) return;
        obj.status = {
          ...obj.status,
          phase: 'Completed',
          completionTimestamp: iso(this.clock.nowMs()),
          progress: { totalItems: 42, itemsRestored: 42 },
          warnings: 0,
          errors: 0,
        };
        this.put('restores', obj);
      }),
    );
  }

  private seedRestore(now: number) {
    const backups = [...this.store.backups.values()].filter(
      b => b.status.phase === 'Completed',
    );
    if (!backups.length) return;
    const b = backups[0];
    const start = Date.parse(b.status.completionTimestamp) + 86_400_000;
    this.put(
      'restores',
      {
        metadata: {
          name: `restore-drill-${iso(start).slice(0, 10).replace(/-/g, '')}`,
          creationTimestamp: iso(start),
        },
        spec: {
          backupName: b.metadata.name,
          includedNamespaces: b.spec.includedNamespaces,
          restorePVs: true,
          existingResourcePolicy: 'none',
        },
        status: {
          phase: 'Completed',
          startTimestamp: iso(start),
          completionTimestamp: iso(Math.min(now, start + 240_000)),
          progress: { totalItems: 42, itemsRestored: 42 },
          warnings: 0,
          errors: 0,
        },
      },
      true,
    );
  }

  stop() {
    this.cancels.forEach(c => c());
    this.events.removeAllListeners();
  }
}
