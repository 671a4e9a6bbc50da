import { Link } from '@backstage/core-components';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { EstateApproval } from '@internal/backstage-plugin-gitops-common';
import { formatAgo } from '../../format';

const userName = (ref: string) => ref.replace(/^user:(default\/)?/, '');

/**
 * The estate's promotions waiting for approval, each linked to where it is approved: its pull
 * request when the promotion opened one, else the service's GitOps tab (its Promotions list).
 */
export const EstateApprovals = ({
  approvals,
  now,
}: {
  approvals: EstateApproval[];
  now: number;
}) => {
  const entityLink = useEntityRefLink();
  if (approvals.length === 0) return null;
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" component="h3">
        Waiting for approval ({approvals.length})
      </Typography>
      <Box
        component="ul"
        m={0}
        pl={2}
        aria-label="Promotions waiting for approval"
      >
        {approvals.map(a => {
          const service = parseEntityRef(a.entityRef).name;
          const text = `${service} ${a.version}: ${a.fromEnv} → ${a.toEnv}`;
          return (
            <li key={a.promotionId}>
              <Typography variant="body2">
                <Link to={a.url ?? `${entityLink(a.entityRef)}/gitops`}>
                  {text}
                </Link>{' '}
                — requested{' '}
                {a.requestedBy ? `by ${userName(a.requestedBy)} ` : ''}
                {formatAgo(a.createdAt, now)}
              </Typography>
            </li>
          );
        })}
      </Box>
    </Box>
  );
};
