import type { ResourceDiff } from '@internal/backstage-plugin-gitops-common';
import type { ManagedResource } from '@internal/backstage-plugin-gitops-node';
import { stringify } from 'yaml';
import { unifiedDiff } from '../../util/unifiedDiff';
import { maskSecrets, normalize } from './normalize';
import { summarize } from './summarize';

/**
 * Above this many YAML lines or bytes a side, the line diff is left out (it is quadratic in
 * lines, and a 5 MB ConfigMap value would freeze the page); the summary stays.
 */
const MAX_DIFF_LINES = 2_000;
const MAX_DIFF_BYTES = 256 * 1024;

const toYaml = (v: Record<string, unknown> | null) =>
  v === null ? null : stringify(v, { sortMapEntries: true, lineWidth: 0 });

const lineCount = (s: string | null) => (s ? s.split('\n').length : 0);

const size = (s: string | null) => {
  const bytes = Buffer.byteLength(s ?? '');
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.ceil(bytes / 1024)} kB`;
};

/** Why a diff is not shown, or undefined when it can be. */
function tooLarge(before: string | null, after: string | null) {
  const lines = Math.max(lineCount(before), lineCount(after));
  const bytes = Math.max(
    Buffer.byteLength(before ?? ''),
    Buffer.byteLength(after ?? ''),
  );
  if (lines <= MAX_DIFF_LINES && bytes <= MAX_DIFF_BYTES) return undefined;
  return `@@ too large to show here (live ${size(before)}, ${lineCount(
    before,
  )} lines → desired ${size(after)}, ${lineCount(
    after,
  )} lines): the summary names the changes @@`;
}

const actionOf = (live: object | null, desired: object | null) => {
  if (!live) return 'create';
  return desired ? 'update' : 'prune';
};

/**
 * How one managed resource differs, or undefined when live matches git. A hook that is not
 * in git any more is left out: Argo CD deletes hooks by their delete policy, never by a prune.
 */
export function resourceDiff(
  resource: ManagedResource,
): ResourceDiff | undefined {
  const live = normalize(resource.live);
  const desired = normalize(resource.desired);
  if (!live && !desired) return undefined;
  if (resource.hook && !desired) return undefined;
  maskSecrets(resource.kind, live, desired);
  const before = toYaml(live);
  const after = toYaml(desired);
  if (before === after) return undefined;
  // Hunks only: the `---`/`+++` file lines name no file here.
  const diff =
    tooLarge(before, after) ??
    unifiedDiff('resource', before, after)
      .split('\n')
      .slice(2)
      .join('\n')
      .replace(/\n$/, '');
  return {
    ...(resource.group ? { group: resource.group } : {}),
    kind: resource.kind,
    ...(resource.namespace ? { namespace: resource.namespace } : {}),
    name: resource.name,
    ...(resource.hook ? { hook: true } : {}),
    action: actionOf(live, desired),
    summary: summarize(live, desired),
    diff,
  };
}
