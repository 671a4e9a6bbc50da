import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import type {
  SourceKind,
  SourceStatus,
} from '@internal/backstage-plugin-gitops-common';

const LABELS: Record<SourceKind, string> = {
  argocd: 'Argo CD instance',
  cost: 'Cost source',
  velero: 'Velero on cluster',
  git: 'Git repository',
};

/**
 * The upstreams of the given kinds that failed: a card shows what it has and names what is
 * missing, instead of failing whole.
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
          key={`${source.kind}/${source.name}`}
          severity={source.status === 'stale' ? 'info' : 'warning'}
        >
          {LABELS[source.kind]} {source.name}:{' '}
          {source.status === 'stale' ? 'showing older data' : 'unavailable'}
          {source.error ? ` — ${source.error}` : ''}
        </Alert>
      ))}
    </Box>
  );
};
