import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import type {
  GateResult,
  PromotionPreview,
  PromotionRecord,
} from '@internal/backstage-plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { overviewStoreFor, OverviewStore } from '../../hooks/overviewStore';
import { shortRevision } from '../../format';
import { GateStatusLabel } from './GateStatusLabel';
import { VersionCostLine } from './VersionCostLine';

const Gates = ({ gates }: { gates: GateResult[] }) => (
  <Box component="ul" pl={2} my={1} aria-label="Gates">
    {gates.map(gate => (
      // One line per gate: the status label alone would start its own line.
      <Box
        component="li"
        key={gate.gate}
        display="flex"
        flexWrap="wrap"
        alignItems="baseline"
        gridGap={8}
      >
        <GateStatusLabel status={gate.status} /> <strong>{gate.gate}:</strong>{' '}
        <span>{gate.message}</span>
      </Box>
    ))}
  </Box>
);

const Diff = ({ preview }: { preview: PromotionPreview }) => (
  <>
    {preview.files.map(file => (
      <Box key={file.path} mt={1}>
        <Typography variant="subtitle2">{file.path}</Typography>
        <Box
          component="pre"
          aria-label={`Diff of ${file.path}`}
          p={1}
          m={0}
          style={{
            overflowX: 'auto',
            fontSize: 12,
            background: 'rgba(0,0,0,0.05)',
          }}
        >
          {file.diff}
        </Box>
      </Box>
    ))}
  </>
);

const Result = ({ record }: { record: PromotionRecord }) => (
  <Typography role="status">
    {record.state === 'awaiting-approval'
      ? `Waiting for approval by another owner of the service (branch ${
          record.branch ?? record.prUrl
        }).`
      : `Promotion ${record.state}${
          record.commitSha
            ? ` as commit ${shortRevision(record.commitSha)}`
            : ''
        }. Argo CD applies it${record.to === 'prod' ? ' after a sync' : ''}.`}
  </Typography>
);

/**
 * Promote the version one environment runs to the next: previews the exact git change and the
 * gates, then makes it — a commit, or a branch waiting for another owner's approval.
 *
 * @public
 */
export const PromoteDialog = (props: {
  from: string;
  to: string;
  onClose: () => void;
}) => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const alertApi = useApi(alertApiRef);
  const ref = getCompoundEntityRef(entity);
  const [record, setRecord] = useState<PromotionRecord>();
  const [busy, setBusy] = useState(false);
  const preview = useAsync(
    () => api.previewPromotion(ref, { from: props.from, to: props.to }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, props.from, props.to],
  );

  const confirm = async (p: PromotionPreview) => {
    setBusy(true);
    try {
      setRecord(
        await api.createPromotion(ref, {
          from: p.from,
          to: p.to,
          version: p.version,
          previewId: p.id,
        }),
      );
      await overviewStoreFor(api).load(OverviewStore.key(ref), ref);
    } catch (e) {
      alertApi.post({
        message: `Promotion failed: ${(e as Error).message}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };

  let content: JSX.Element;
  if (preview.loading) content = <Progress />;
  else if (preview.error)
    content = <ResponseErrorPanel error={preview.error} />;
  else {
    const p = preview.value!;
    content = (
      <>
        <Typography>
          {p.version} from {p.from} to {p.to}
          {p.previousVersion ? ` (now ${p.previousVersion})` : ''}, as{' '}
          {p.mode === 'commit'
            ? `a commit on the gitops repository`
            : `a branch that another owner approves`}
          .
        </Typography>
        <VersionCostLine
          entity={ref}
          environment={p.from}
          version={p.version}
        />
        <Gates gates={p.gates} />
        {p.waiting && (
          <Typography color="error">
            {p.waiting.version} is already waiting ({p.waiting.state}, by{' '}
            {p.waiting.requester}).
          </Typography>
        )}
        <Diff preview={p} />
        {record && (
          <Box mt={2}>
            <Result record={record} />
          </Box>
        )}
      </>
    );
  }

  const p = preview.value;
  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby="promote-title"
      fullWidth
      maxWidth="md"
    >
      <DialogTitle id="promote-title">
        Promote {p?.version ?? ''} to {props.to}
      </DialogTitle>
      <DialogContent>{content}</DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>{record ? 'Close' : 'Cancel'}</Button>
        {!record && (
          <Button
            color="primary"
            variant="contained"
            disabled={!p || p.blocked || busy}
            onClick={() => p && confirm(p)}
          >
            {p?.mode === 'pull-request' ? 'Request promotion' : 'Promote'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
};
