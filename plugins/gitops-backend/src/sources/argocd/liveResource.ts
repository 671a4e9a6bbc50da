import type { DeploymentResourceRef } from '@internal/backstage-plugin-gitops-node';
import { UpstreamError } from '../../util/errors';

const describe = (r: DeploymentResourceRef) =>
  `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

/**
 * The live object in `GET …/resource`'s `manifest` (a JSON document in a string). What is not a
 * JSON object is the source's fault, reported without its content (it may hold anything).
 */
export function parseLiveManifest(
  manifest: string | null | undefined,
  resource: DeploymentResourceRef,
): Record<string, unknown> {
  if (!manifest) {
    throw new UpstreamError(
      `Argo CD has no live manifest of ${describe(resource)}`,
      404,
      'not-found',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(manifest);
  } catch {
    throw new UpstreamError(
      `Argo CD answered a live manifest of ${describe(
        resource,
      )} that is not JSON (${manifest.length} characters)`,
      200,
      'malformed',
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UpstreamError(
      `Argo CD answered a live manifest of ${describe(
        resource,
      )} that is not an object`,
      200,
      'malformed',
    );
  }
  return value as Record<string, unknown>;
}
