import { z } from 'zod';

/**
 * zod schemas of the parts of Argo Rollouts' objects the page reads (Rollout and AnalysisRun of
 * `argoproj.io/v1alpha1`, see the Rollout CRD). Unknown fields pass, missing ones are fine; a
 * wrong type is the application's error, naming the field.
 */
const str = z.string();
const opt = <T extends z.ZodTypeAny>(s: T) => s.nullish();
/** Kubernetes' int-or-string (a pause's `duration`, `maxSurge`). */
const intOrString = z.union([z.number(), str]);

const metadata = z.object({
  name: str,
  namespace: opt(str),
  uid: opt(str),
  creationTimestamp: opt(str),
});

const templates = opt(z.array(z.object({ templateName: opt(str) })));

/** A step keeps unknown fields: a newer kind of step is still named by its field. */
export const rolloutStepSchema = z
  .object({
    setWeight: opt(z.number()),
    pause: opt(z.object({ duration: opt(intOrString) })),
    analysis: opt(z.object({ templates })),
    experiment: opt(
      z.object({
        duration: opt(intOrString),
        templates: opt(z.array(z.object({ name: opt(str) }))),
      }),
    ),
    setCanaryScale: opt(
      z.object({
        weight: opt(z.number()),
        replicas: opt(z.number()),
        matchTrafficWeight: opt(z.boolean()),
      }),
    ),
    setHeaderRoute: opt(z.object({ name: opt(str) })),
    setMirrorRoute: opt(z.object({ name: opt(str) })),
    plugin: opt(z.object({ name: opt(str) })),
  })
  .passthrough();

export type RolloutStepSpec = z.infer<typeof rolloutStepSchema>;

const podTemplate = opt(
  z.object({
    spec: opt(
      z.object({ containers: opt(z.array(z.object({ image: opt(str) }))) }),
    ),
  }),
);

export type PodTemplate = z.infer<typeof podTemplate>;

const weight = opt(z.object({ weight: opt(z.number()) }));

export const rolloutSchema = z.object({
  metadata,
  spec: opt(
    z.object({
      paused: opt(z.boolean()),
      replicas: opt(z.number()),
      template: podTemplate,
      strategy: opt(
        z.object({
          canary: opt(z.object({ steps: opt(z.array(rolloutStepSchema)) })),
          blueGreen: opt(z.object({})),
        }),
      ),
    }),
  ),
  status: opt(
    z.object({
      phase: opt(str),
      message: opt(str),
      abort: opt(z.boolean()),
      controllerPause: opt(z.boolean()),
      pauseConditions: opt(
        z.array(z.object({ reason: opt(str), startTime: opt(str) })),
      ),
      currentStepIndex: opt(z.number()),
      currentPodHash: opt(str),
      stableRS: opt(str),
      replicas: opt(z.number()),
      updatedReplicas: opt(z.number()),
      canary: opt(
        z.object({
          weights: opt(z.object({ canary: weight, stable: weight })),
        }),
      ),
    }),
  ),
});

export type RolloutManifest = z.infer<typeof rolloutSchema>;

export const analysisRunSchema = z.object({
  metadata,
  status: opt(
    z.object({
      phase: opt(str),
      message: opt(str),
      startedAt: opt(str),
      metricResults: opt(
        z.array(
          z.object({
            name: str,
            phase: opt(str),
            message: opt(str),
            measurements: opt(
              z.array(z.object({ phase: opt(str), message: opt(str) })),
            ),
          }),
        ),
      ),
    }),
  ),
});

export type AnalysisRunManifest = z.infer<typeof analysisRunSchema>;

/** A ReplicaSet of the Rollout: where the stable pods' image is read. */
export const replicaSetSchema = z.object({
  metadata,
  spec: opt(z.object({ template: podTemplate })),
});

/** Parses `value` with `schema`; the error names the object and the first bad field. */
export function parseObject<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(
    `${what} is not a valid object at ${issue?.path.join('.') || '(root)'}: ${
      issue?.message ?? 'invalid'
    }`,
  );
}
