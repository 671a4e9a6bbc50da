import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type {
  AnalysisPhase,
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

/** A Rollout's state: aborted and paused first (Argo's phase says Degraded / Paused), else its phase. @public */
export const RolloutStatusLabel = ({
  rollout,
}: {
  rollout: { aborted: boolean; paused: boolean; phase?: string };
}) => {
  if (rollout.aborted) return <StatusError>Aborted</StatusError>;
  if (rollout.paused) return <StatusPending>Paused</StatusPending>;
  return <HealthStatusLabel status={rollout.phase ?? ''} />;
};

/** @public */
export const AnalysisPhaseLabel = ({
  phase,
}: {
  phase: AnalysisPhase | string;
}) => {
  switch (phase) {
    case 'Successful':
      return <StatusOK>Successful</StatusOK>;
    case 'Running':
      return <StatusRunning>Running</StatusRunning>;
    case 'Pending':
      return <StatusPending>Pending</StatusPending>;
    case 'Failed':
    case 'Error':
      return <StatusError>{phase}</StatusError>;
    case 'Inconclusive':
      return <StatusWarning>Inconclusive</StatusWarning>;
    default:
      return <StatusAborted>{phase || 'Unknown'}</StatusAborted>;
  }
};
