import { z } from 'zod';
import type {
  BackupRecord,
  LocationRecord,
  ScheduleRecord,
} from '@internal/backstage-plugin-gitops-node';

/**
 * zod schemas of the parts of Velero's objects we read (`velero.io/v1` Backup, Schedule,
 * BackupStorageLocation; see contracts/velero), and their mapping to the store's records.
 */
const strList = z.array(z.string()).nullish();
const meta = z.object({
  name: z.string(),
  labels: z.record(z.string(), z.string()).nullish(),
});
const backupSchema = z.object({
  metadata: meta,
  spec: z
    .object({
      includedNamespaces: strList,
      excludedNamespaces: strList,
      storageLocation: z.string().nullish(),
    })

    .nullish(),
  status: z
    .object({
      phase: z.string().nullish(),
      startTimestamp: z.string().nullish(),
      completionTimestamp: z.string().nullish(),
      expiration: z.string().nullish(),
      errors: z.number().nullish(),
      warnings: z.number().nullish(),
    })

    .nullish(),
});
const scheduleSchema = z.object({
  metadata: meta,
  spec: z
    .object({
      schedule: z.string().nullish(),
      paused: z.boolean().nullish(),
      template: z
        .object({
          includedNamespaces: strList,
          excludedNamespaces: strList,
        })

        .nullish(),
    })

    .nullish(),
  status: z.object({ lastBackup: z.string().nullish() }).nullish(),
});
const locationSchema = z.object({
  metadata: meta,
  status: z.object({ phase: z.string().nullish() }).nullish(),
});
const u = <T>(v: T | null | undefined): T | undefined => v ?? undefined;

/** The Velero kinds we watch, by plural. */
export const VELERO_KINDS = {
  backups: backupSchema,
  schedules: scheduleSchema,
  backupstoragelocations: locationSchema,
} as const;

export type VeleroPlural = keyof typeof VELERO_KINDS;

export function toBackup(b: z.infer<typeof backupSchema>): BackupRecord {
  return {
    name: b.metadata.name,
    phase: u(b.status?.phase),
    scheduleName: u(b.metadata.labels?.['velero.io/schedule-name']),
    includedNamespaces: [...(b.spec?.includedNamespaces ?? [])],
    excludedNamespaces: [...(b.spec?.excludedNamespaces ?? [])],
    storageLocation: u(b.spec?.storageLocation),
    startedAt: u(b.status?.startTimestamp),
    completedAt: u(b.status?.completionTimestamp),
    expiresAt: u(b.status?.expiration),
    errors: b.status?.errors ?? 0,
    warnings: b.status?.warnings ?? 0,
  };
}

export function toSchedule(s: z.infer<typeof scheduleSchema>): ScheduleRecord {
  return {
    name: s.metadata.name,
    cron: s.spec?.schedule ?? '',
    paused: Boolean(s.spec?.paused),
    includedNamespaces: [...(s.spec?.template?.includedNamespaces ?? [])],
    excludedNamespaces: [...(s.spec?.template?.excludedNamespaces ?? [])],
    lastBackupAt: u(s.status?.lastBackup),
  };
}

export function toLocation(l: z.infer<typeof locationSchema>): LocationRecord {
  return { name: l.metadata.name, phase: u(l.status?.phase) };
}

/**
 * Validates one object of a kind; answers undefined (and why) for an object of another shape,
 * which is left out rather than failing the cluster.
 */
export function parseVeleroObject<P extends VeleroPlural>(
  plural: P,
  raw: unknown,
):
  | { ok: true; value: z.infer<(typeof VELERO_KINDS)[P]> }
  | { ok: false; error: string } {
  const parsed = VELERO_KINDS[plural].safeParse(raw);
  if (parsed.success) {
    return {
      ok: true,
      value: parsed.data as z.infer<(typeof VELERO_KINDS)[P]>,
    };
  }
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    error: `${plural} object has an unexpected shape at ${
      issue?.path.join('.') || '(root)'
    }: ${issue?.message ?? 'invalid'}`,
  };
}
