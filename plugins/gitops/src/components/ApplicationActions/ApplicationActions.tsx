import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import type {
  ApplicationSummary,
  EntityPermissions,
} from '@internal/backstage-plugin-gitops-common';
import { gitopsApiRef, type ApplicationAction } from '../../api';
import { overviewStoreFor, OverviewStore } from '../../hooks/overviewStore';
import { ConfirmSyncDialog } from './ConfirmSyncDialog';
import { RollbackDialog } from './RollbackDialog';
import { ActionButton } from './ActionButton';

/**
 * Sync, Refresh and Rollback of one Argo CD application. Sync and Rollback ask for
 * confirmation (Sync lists what it changes and offers Prune and Dry run); each is offered only when `permissions` (the overview's decisions of the
 * permission policy for the signed-in user) allow it, and disabled while they are unknown.
 *
 * @public
 */
export const ApplicationActions = ({
  app,
  permissions,
}: {
  app: ApplicationSummary;
  /** From the entity's overview; undefined while it loads. */
  permissions: EntityPermissions | undefined;
}) => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const alertApi = useApi(alertApiRef);
  const [dialog, setDialog] = useState<'sync' | 'rollback' | undefined>();
  const [busy, setBusy] = useState(false);
  const running = app.operation?.phase === 'Running';

  const run = async (action: ApplicationAction) => {
    const dryRun = action.type === 'sync' && action.options?.dryRun === true;
    const what = dryRun ? 'dry run of the sync' : action.type;
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
        message: dryRun
          ? `dry run of the sync of ${app.name} started: it changes nothing`
          : `${what} of ${app.name} started`,
        severity: 'success',
        display: 'transient',
      });
      // The signal will come too; reading now shows the operation starting without waiting.
      await overviewStoreFor(api).load(OverviewStore.key(ref), ref);
    } catch (e) {
      alertApi.post({
        message: `${what} of ${app.name} failed: ${(e as Error).message}`,
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
          allowed={permissions?.sync}
          busy={busy}
          blockedReason={running ? 'An operation is running' : undefined}
          onClick={() => setDialog('sync')}
        />
        <ActionButton
          label="Refresh"
          allowed={permissions?.refresh}
          busy={busy}
          onClick={() => run({ type: 'refresh' })}
        />
        <ActionButton
          label="Rollback"
          allowed={permissions?.rollback}
          busy={busy}
          blockedReason={
            app.autoSync
              ? 'Argo CD does not roll back applications with automated sync; revert the change in git instead'
              : undefined
          }
          onClick={() => setDialog('rollback')}
        />
      </ButtonGroup>
      {dialog === 'sync' && (
        <ConfirmSyncDialog
          app={app}
          permissions={permissions}
          onCancel={() => setDialog(undefined)}
          // No options: exactly `{ type: 'sync' }`, as before options existed.
          onConfirm={options =>
            run(
              Object.keys(options).length > 0
                ? { type: 'sync', options }
                : { type: 'sync' },
            )
          }
        />
      )}
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
