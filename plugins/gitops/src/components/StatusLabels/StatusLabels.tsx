import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type {
  HealthStatus,
  OperationPhase,
  SyncStatus,
} from '@internal/backstage-plugin-gitops-common';

// Each status is an icon *and* its name, so it reads without colour.

/** @public */
export const SyncStatusLabel = ({
  status,
}: {
  status: SyncStatus | string;
}) => {
  switch (status) {
    case 'Synced':
      return <StatusOK>Synced</StatusOK>;
    case 'OutOfSync':
      return <StatusWarning>OutOfSync</StatusWarning>;
    default:
      return <StatusAborted>{status || 'Unknown'}</StatusAborted>;
  }
};

/** @public */
export const HealthStatusLabel = ({
  status,
}: {
  status: HealthStatus | string;
}) => {
  switch (status) {
    case 'Healthy':
      return <StatusOK>Healthy</StatusOK>;
    case 'Progressing':
      return <StatusRunning>Progressing</StatusRunning>;
    case 'Degraded':
      return <StatusError>Degraded</StatusError>;
    case 'Suspended':
      return <StatusPending>Suspended</StatusPending>;
    case 'Missing':
      return <StatusWarning>Missing</StatusWarning>;
    default:
      return <StatusAborted>{status || 'Unknown'}</StatusAborted>;
  }
};

/** @public */
export const OperationLabel = ({
  phase,
}: {
  phase: OperationPhase | string;
}) => {
  switch (phase) {
    case 'Running':
    case 'Terminating':
      return <StatusRunning>{phase}</StatusRunning>;
    case 'Succeeded':
      return <StatusOK>Succeeded</StatusOK>;
    case 'Failed':
    case 'Error':
      return <StatusError>{phase}</StatusError>;
    default:
      return <StatusAborted>{phase || 'Unknown'}</StatusAborted>;
  }
};
