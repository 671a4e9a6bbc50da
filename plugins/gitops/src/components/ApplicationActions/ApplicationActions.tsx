import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Tooltip from '@material-ui/core/Tooltip';
import {
  gitopsApplicationRefreshPermission,
  gitopsApplicationRollbackPermission,
  gitopsApplicationSyncPermission,
  type ApplicationSummary,
} from '@internal/backstage-plugin-gitops-common';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import { gitopsApiRef, type ApplicationAction } from '../../api';
import { overviewStoreFor, OverviewStore } from '../../hooks/overviewStore';
import { ConfirmSyncDialog } from './ConfirmSyncDialog';
import { RollbackDialog } from './RollbackDialog';

type ActionButtonProps = {
  label: string;
  permission: ResourcePermission;
  blockedReason?: string;
  busy: boolean;
  onClick: () => void;
};

/** A button that is disabled, with the reason in its tooltip, when the user may not use it. */
const ActionButton = (props: ActionButtonProps) => {
  const { entity } = useEntity();
  const { loading, allowed } = usePermission({
    permission: props.permission,
    resourceRef: stringifyEntityRef(entity),
  });
  let reason = props.blockedReason;
  if (!loading && !allowed) {
    reason = `You are not allowed to ${props.label.toLocaleLowerCase(
      'en-US',
    )} applications of ${entity.metadata.name}`;
  }
  const button = (
    <Button
      size="small"
      disabled={
        loading || !allowed || props.busy || Boolean(props.blockedReason)
      }
      onClick={props.onClick}
    >
      {props.label}
    </Button>
  );
  // A disabled button fires no events and takes no focus, so the tooltip sits on a wrapper that
  // keyboard users can reach to read why.
  return reason ? (
    <Tooltip title={reason}>
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <span tabIndex={0} aria-label={`${props.label}: ${reason}`}>
        {button}
      </span>
    </Tooltip>
  ) : (
    button
  );
};

/**
 * Sync, Refresh and Rollback of one Argo CD application. Sync and Rollback ask for
 * confirmation; each is checked against the entity-scoped permission before it is offered.
 *
 * @public
 */
export const ApplicationActions = ({ app }: { app: ApplicationSummary }) => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const alertApi = useApi(alertApiRef);
  const [dialog, setDialog] = useState<'sync' | 'rollback' | undefined>();
  const [busy, setBusy] = useState(false);
  const running = app.operation?.phase === 'Running';

  const run = async (action: ApplicationAction) => {
    setBusy(true);
    setDialog(undefined);
    try {
      const ref = getCompoundEntityRef(entity);
      await api.runApplicationAction(
        ref,
        { instance: app.instance, name: app.name },
        action,
      );
      alertApi.post({
        message: `${action.type} of ${app.name} started`,
        severity: 'success',
        display: 'transient',
      });
      // The signal will come too; reading now shows the operation starting without waiting.
      await overviewStoreFor(api).load(OverviewStore.key(ref), ref);
    } catch (e) {
      alertApi.post({
        message: `${action.type} of ${app.name} failed: ${
          (e as Error).message
        }`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ButtonGroup variant="outlined" aria-label={`Actions for ${app.name}`}>
        <ActionButton
          label="Sync"
          permission={gitopsApplicationSyncPermission}
          busy={busy}
          blockedReason={running ? 'An operation is running' : undefined}
          onClick={() => setDialog('sync')}
        />
        <ActionButton
          label="Refresh"
          permission={gitopsApplicationRefreshPermission}
          busy={busy}
          onClick={() => run({ type: 'refresh' })}
        />
        <ActionButton
          label="Rollback"
          permission={gitopsApplicationRollbackPermission}
          busy={busy}
          blockedReason={
            app.autoSync
              ? 'Argo CD does not roll back applications with automated sync; revert the change in git instead'
              : undefined
          }
          onClick={() => setDialog('rollback')}
        />
      </ButtonGroup>
      <ConfirmSyncDialog
        open={dialog === 'sync'}
        app={app}
        onCancel={() => setDialog(undefined)}
        onConfirm={() => run({ type: 'sync' })}
      />
      {dialog === 'rollback' && (
        <RollbackDialog
          app={app}
          onCancel={() => setDialog(undefined)}
          onConfirm={id => run({ type: 'rollback', id })}
        />
      )}
    </>
  );
};
