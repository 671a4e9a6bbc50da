import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** Parses input; an InputError names the first bad field (`path.name`, `body.to`, ...). */
export function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  where: string,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = [where, ...(issue?.path ?? [])];
    // A strict schema's extra key: name that key, so a typo ("sycn", "verison") is obvious.
    if (issue?.code === 'unrecognized_keys') {
      throw new InputError(
        `Invalid ${[...path, String(issue.keys[0])].join('.')}: unknown field`,
      );
    }
    throw new InputError(
      `Invalid ${path.join('.')}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

/**
 * The body of a write that takes no input (refresh, approve, ...): absent or `{}`. Anything else
 * is refused before the write runs, so a client that thinks it passes options (`hard: true`)
 * learns they are not applied instead of seeing a write it did not ask for.
 */
export const emptyBody = z.object({}).strict();

const segment = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'invalid characters');

export const entityParams = z.object({
  kind: segment,
  namespace: segment,
  name: segment,
});

export const appParams = entityParams.extend({
  instance: segment,
  app: segment,
  action: z.enum(['sync', 'refresh', 'rollback']),
});

/** The options of a sync a person asks for; Argo CD's defaults (no prune, a real sync) without. */
export const syncBody = z
  .object({
    prune: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();

export const rollbackBody = z
  .object({
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .strict();

export const promotionParams = z.object({
  id: z.string().uuid('must be a promotion id'),
  action: z.enum(['approve', 'close', 'rollback']),
});

const versionField = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'must be a version like 1.4.0');

export const promotionBody = (environments: string[]) => {
  const env = z.string().refine(e => environments.includes(e), {
    message: `must be one of ${environments.join(', ')}`,
  });
  return z
    .object({
      from: env,
      to: env,
      version: versionField.optional(),
      previewId: z.string().uuid('must be a preview id').optional(),
    })
    .strict();
};

/** `?costWindow=` / `?window=`: one of the configured cost windows. */
export const windowField = (windows: string[]) =>
  z.string().refine(w => windows.includes(w), {
    message: `must be one of ${windows.join(', ')}`,
  });
