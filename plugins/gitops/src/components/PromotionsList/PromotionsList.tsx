import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  InfoCard,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import type { PromotionRecord } from '@internal/backstage-plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { useEntityOverview } from '../../hooks/useEntityOverview';
import { useLiveEntityQuery } from '../../hooks/useLiveEntityQuery';
import { shortRevision } from '../../format';

const ApproveButton = ({
  promotion,
  allowed,
  onApproved,
}: {
  promotion: PromotionRecord;
  /** `permissions.approve` of the overview; undefined while it loads. */
  allowed: boolean | undefined;
  onApproved: () => void;
}) => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="small"
      variant="outlined"
      disabled={!allowed || busy}
      aria-label={
        allowed === false
          ? `Approve: you are not allowed to approve promotions of ${entity.metadata.name}`
          : `Approve ${promotion.version} to ${promotion.to}`
      }
      onClick={async () => {
        setBusy(true);
        try {
          await api.approvePromotion(promotion.id);
          onApproved();
        } catch (e) {
          // Four eyes: the backend refuses the requester's own approval with a reason.
          alertApi.post({
            message: `Approval failed: ${(e as Error).message}`,
            severity: 'error',
          });
        } finally {
          setBusy(false);
        }
      }}
    >
      Approve
    </Button>
  );
};

// A module constant: a new element each render makes the table remount its rows (and close an
// Approve dialog open in one).
const NO_PROMOTIONS = <div style={{ padding: 16 }}>No promotion yet.</div>;

/**
 * The promotions of the entity, newest first, with their state, the commit or branch, and
 * Approve for those waiting (the backend enforces that the approver is not the requester).
 * Whether the user may approve comes with the page's overview; without a gitops repository on
 * the portal it says promotion is not configured.
 *
 * @public
 */
export const PromotionsList = () => {
  const promotions = useLiveEntityQuery((api, entity) =>
    api.listPromotions(entity),
  );
  // The page's one overview request, shared with the other cards.
  const overview = useEntityOverview();
  const mayApprove = overview.value?.permissions.approve;
  if (promotions.error) return <ResponseErrorPanel error={promotions.error} />;
  if (promotions.value && !promotions.value.configured) {
    return (
      <InfoCard title="Promotions">
        <Typography variant="body2">
          Promotion is not configured on this portal: with a gitops repository
          (gitops.repository in app-config), versions move between environments
          through git, with a preview, gates and approval.
        </Typography>
      </InfoCard>
    );
  }
  const columns: TableColumn<PromotionRecord>[] = [
    {
      title: 'Requested',
      field: 'createdAt',
      render: p => new Date(p.createdAt).toLocaleString(),
    },
    { title: 'Promotion', render: p => `${p.version}: ${p.from} → ${p.to}` },
    {
      title: 'Requester',
      render: p => p.requester.replace(/^user:(default\/)?/, ''),
    },
    { title: 'State', field: 'state' },
    {
      title: 'Change',
      render: p =>
        p.commitSha ? (
          <code>{shortRevision(p.commitSha)}</code>
        ) : (
          p.prUrl ?? p.branch ?? '—'
        ),
    },
    {
      title: 'Approver',
      render: p => p.approver?.replace(/^user:(default\/)?/, '') ?? '—',
    },
    {
      title: 'Actions',
      render: p =>
        p.state === 'awaiting-approval' ? (
          <ApproveButton
            promotion={p}
            allowed={mayApprove}
            onApproved={promotions.retry}
          />
        ) : null,
    },
  ];
  return (
    <Table<PromotionRecord>
      title="Promotions"
      isLoading={promotions.loading && !promotions.value}
      options={{ paging: true, pageSize: 5, search: false, padding: 'dense' }}
      columns={columns}
      data={promotions.value?.items ?? []}
      emptyContent={NO_PROMOTIONS}
    />
  );
};
