import { durationToMilliseconds } from '@backstage/types';
import { z } from 'zod';

/** Each kind of condition the plugin tells owners about (also the notification `topic`). */
export const NOTIFICATION_TOPICS = [
  'sync-failed',
  'degraded',
  'out-of-sync',
  'backup-failed',
  'backup-rpo',
  'backup-uncovered',
  'promotion',
] as const;
export type NotificationTopic = (typeof NOTIFICATION_TOPICS)[number];

/** A duration as Backstage config writes it (HumanDuration: `{ minutes: 5 }`), or ISO 8601 (`PT5M`). */
const duration = z.union([
  z
    .object({
      years: z.number().nonnegative().optional(),
      months: z.number().nonnegative().optional(),
      weeks: z.number().nonnegative().optional(),
      days: z.number().nonnegative().optional(),
      hours: z.number().nonnegative().optional(),
      minutes: z.number().nonnegative().optional(),
      seconds: z.number().nonnegative().optional(),
      milliseconds: z.number().nonnegative().optional(),
    })
    .strict(),
  z
    .string()
    .regex(
      /^PT?(\d+D)?(T?(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
      'must be an ISO 8601 duration like PT5M',
    ),
]);

/** Milliseconds of a config duration. */
export function durationMs(d: z.infer<typeof duration>): number {
  if (typeof d === 'string') {
    const m =
      /^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(d);
    const [, days, hours, minutes, seconds] = (m ?? []).map(Number);
    return (
      ((days || 0) * 86_400 +
        (hours || 0) * 3_600 +
        (minutes || 0) * 60 +
        (seconds || 0)) *
      1000
    );
  }
  return durationToMilliseconds(d);
}

const DEFAULT_TOPICS: NotificationTopic[] = [...NOTIFICATION_TOPICS];

/** What `gitops.productionEnvironments` defaults to. */
export const DEFAULT_PRODUCTION_ENVIRONMENTS = ['prod', 'production'] as const;

/** `gitops.notifications`. */
export const notificationsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Which conditions are sent (default: all). */
    topics: z.array(z.enum(NOTIFICATION_TOPICS)).default(DEFAULT_TOPICS),
    /** How long an application stays Degraded before its owners are told (default 5 min). */
    degradedGracePeriod: duration.default({ minutes: 5 }),
    /** How long a production application with auto-sync off stays OutOfSync first (15 min). */
    outOfSyncGracePeriod: duration.default({ minutes: 15 }),
    /**
     * Environments that count as production. Read from `gitops.productionEnvironments` (the
     * plugin's config fills it in); set here, it still wins for notifications (older configs).
     */
    productionEnvironments: z
      .array(z.string().trim().min(1))
      .default([...DEFAULT_PRODUCTION_ENVIRONMENTS]),
    /** More new conditions of one entity at once than this go out as one notification. */
    maxPerEntityBatch: z.number().int().min(1).max(100).default(3),
  })
  .strict();

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
