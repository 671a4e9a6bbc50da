import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import {
  gitopsPromotionApprovePermission,
  type PromotionRecord,
} from '@internal/backstage-plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { useLiveEntityQuery } from '../../hooks/useLiveEntityQuery';
import { shortRevision } from '../../format';

const ApproveButton = ({
  promotion,
  onApproved,
}: {
  promotion: PromotionRecord;
  onApproved: () => void;
}) => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const { allowed, loading } = usePermission({
    permission: gitopsPromotionApprovePermission,
    resourceRef: stringifyEntityRef(entity),
  });
  return (
    <Button
      size="small"
      variant="outlined"
      disabled={loading || !allowed || busy}
      aria-label={
        !loading && !allowed
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

/**
 * The promotions of the entity, newest first, with their state, the commit or branch, and
 * Approve for those waiting (the backend enforces that the approver is not the requester).
 *
 * @public
 */
export const PromotionsList = () => {
  const promotions = useLiveEntityQuery((api, entity) =>
    api.listPromotions(entity),
  );
  if (promotions.error) return <ResponseErrorPanel error={promotions.error} />;
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
          <ApproveButton promotion={p} onApproved={promotions.retry} />
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
      emptyContent={<div style={{ padding: 16 }}>No promotion yet.</div>}
    />
  );
};
