import { z } from 'zod';

/**
 * zod schemas of the parts of Argo CD's API answers we read (swagger `v1alpha1Application`,
 * `v1alpha1ApplicationList`, `v1alpha1ApplicationTree`, `v1alpha1RevisionMetadata`). Unknown
 * fields pass; missing optional fields are fine; a wrong type is reported as the source's error.
 */
const str = z.string();
const opt = <T extends z.ZodTypeAny>(s: T) => s.nullish();

/** `status.health` of an app and `health` of its resources. */
const health = z.object({ status: opt(str), message: opt(str) });

/** What identifies a Kubernetes resource in Argo's answers (`resources[]`, tree `nodes[]`). */
const resourceRef = {
  group: opt(str),
  version: opt(str),
  kind: str,
  namespace: opt(str),
  name: str,
};

const initiatedBy = z.object({
  username: opt(str),
  automated: opt(z.boolean()),
});
const source = z.object({
  repoURL: opt(str),
  path: opt(str),
  targetRevision: opt(str),
  chart: opt(str),
  kustomize: opt(z.object({ images: opt(z.array(str)) })),
});
export const argoApplicationSchema = z.object({
  metadata: z.object({
    name: str,
    namespace: opt(str),
    uid: opt(str),
    resourceVersion: opt(str),
    labels: opt(z.record(str, str)),
  }),
  spec: opt(
    z.object({
      project: opt(str),
      source: opt(source),
      sources: opt(z.array(source)),
      destination: opt(
        z.object({ server: opt(str), namespace: opt(str), name: opt(str) }),
      ),
      syncPolicy: opt(
        z.object({
          automated: opt(z.object({ enabled: opt(z.boolean()) })),
        }),
      ),
    }),
  ),
  status: opt(
    z.object({
      sync: opt(z.object({ status: opt(str), revision: opt(str) })),
      health: opt(health),
      summary: opt(z.object({ images: opt(z.array(str)) })),
      reconciledAt: opt(str),
      history: opt(
        z.array(
          z.object({
            id: z.coerce.number(),
            revision: opt(str),
            deployedAt: opt(str),
            deployStartedAt: opt(str),
            initiatedBy: opt(initiatedBy),
            source: opt(source),
          }),
        ),
      ),
      operationState: opt(
        z.object({
          phase: opt(str),
          message: opt(str),
          startedAt: opt(str),
          finishedAt: opt(str),
          operation: opt(
            z.object({
              initiatedBy: opt(initiatedBy),
              sync: opt(z.object({ revision: opt(str) })),
              rollback: opt(z.any()),
              retry: opt(z.object({ limit: opt(z.number()) })),
            }),
          ),
          retryCount: opt(z.number()),
          syncResult: opt(
            z.object({
              revision: opt(str),
              // The sync's tasks in the order Argo CD ran them.
              resources: opt(
                z.array(
                  z.object({
                    ...resourceRef,
                    syncPhase: opt(str),
                    hookType: opt(str),
                    hookPhase: opt(str),
                    status: opt(str),
                    message: opt(str),
                  }),
                ),
              ),
            }),
          ),
        }),
      ),
      resources: opt(
        z.array(
          z.object({
            ...resourceRef,
            status: opt(str),
            health: opt(health),
          }),
        ),
      ),
    }),
  ),
});

export type ArgoApplication = z.infer<typeof argoApplicationSchema>;

export const argoApplicationListSchema = z.object({
  metadata: opt(z.object({ resourceVersion: opt(str) })),
  // Argo answers an empty list as `"items": null`.
  items: opt(z.array(argoApplicationSchema)),
});

export const argoSessionSchema = z.object({ token: str.min(1) });

export const argoResourceTreeSchema = z.object({
  nodes: opt(
    z.array(
      z.object({
        ...resourceRef,
        uid: opt(str),
        parentRefs: opt(z.array(z.object({ uid: opt(str) }))),
        health: opt(health),
      }),
    ),
  ),
});

export type ArgoResourceTree = z.infer<typeof argoResourceTreeSchema>;

export const argoRevisionMetadataSchema = z.object({
  author: opt(str),
  date: opt(str),
  message: opt(str),
  tags: opt(z.array(str)),
});

export type ArgoRevisionMetadata = z.infer<typeof argoRevisionMetadataSchema>;

/** `v1EventList` (`GET /api/v1/applications/{name}/events`; `items` is null when empty). */
export const argoEventListSchema = z.object({
  items: opt(
    z.array(
      z.object({
        type: opt(str),
        reason: opt(str),
        message: opt(str),
        count: opt(z.number()),
        firstTimestamp: opt(str),
        lastTimestamp: opt(str),
        eventTime: opt(str),
        metadata: opt(z.object({ creationTimestamp: opt(str) })),
        involvedObject: opt(z.object({ kind: opt(str), name: opt(str) })),
      }),
    ),
  ),
});

/**
 * `GET /api/v1/applications/{name}/managed-resources`: each state is a JSON document in a string
 * (`"null"` for a side that does not exist). `items` is `null` for none.
 */
export const argoManagedResourcesSchema = z.object({
  items: opt(
    z.array(
      z.object({
        group: opt(str),
        kind: str,
        namespace: opt(str),
        name: str,
        hook: opt(z.boolean()),
        liveState: opt(str),
        targetState: opt(str),
        normalizedLiveState: opt(str),
        predictedLiveState: opt(str),
      }),
    ),
  ),
});

/** An event of `GET /api/v1/stream/applications`. */
export const argoStreamEventSchema = z.object({
  result: z.object({
    type: z.enum(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']),
    application: argoApplicationSchema,
  }),
});

/** The gateway's chunk when the stream fails on the server. */
export const argoStreamErrorSchema = z.object({
  error: z.object({
    message: opt(str),
    grpc_code: opt(z.number()),
    http_code: opt(z.number()),
  }),
});

/** `GET /api/v1/applications/{name}/resource`: the live object as a JSON document in a string. */
export const argoResourceSchema = z.object({ manifest: opt(str) });

/** `POST …/resource/actions/v2` answers `{}` (`applicationApplicationResponse`): nothing to read. */
export const argoResourceActionSchema = z.unknown();
