import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import type {
  SourceKind,
  SourceStatus,
} from '@internal/backstage-plugin-gitops-common';

/** The identity of a source across answers (the overview's and a card's own). */
const sourceKey = (s: SourceStatus) => `${s.kind}/${s.provider}/${s.name}`;

/**
 * The sources of several answers, once each; where answers disagree, the one that is not ok
 * wins, so a failure seen by one request is not hidden by another's success.
 */
export function mergeSources(
  ...lists: Array<SourceStatus[] | undefined>
): SourceStatus[] {
  const merged = new Map<string, SourceStatus>();
  for (const source of lists.flatMap(list => list ?? [])) {
    const seen = merged.get(sourceKey(source));
    if (!seen || (seen.status === 'ok' && source.status !== 'ok')) {
      merged.set(sourceKey(source), source);
    }
  }
  return [...merged.values()];
}

/**
 * The upstreams of the given roles that failed, each named by its provider and name (e.g.
 * `argocd argocd-prod`, `opencost cluster-prod`, `velero cluster-prod`): a card shows what it
 * has and names what is missing, instead of failing whole.
 */
export const SourceErrors = ({
  sources,
  kinds,
}: {
  sources: SourceStatus[];
  kinds: SourceKind[];
}) => {
  const failing = sources.filter(
    s => kinds.includes(s.kind) && s.status !== 'ok',
  );
  if (failing.length === 0) return null;
  return (
    <Box mb={2}>
      {failing.map(source => (
        <Alert
          key={sourceKey(source)}
          severity={source.status === 'stale' ? 'info' : 'warning'}
        >
          {source.provider} {source.name}:{' '}
          {source.status === 'stale' ? 'showing older data' : 'unavailable'}
          {source.error ? ` — ${source.error}` : ''}
        </Alert>
      ))}
    </Box>
  );
};
