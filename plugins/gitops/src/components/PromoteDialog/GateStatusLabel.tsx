import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import type { GateResult } from '@internal/backstage-plugin-gitops-common';

/** A gate's result as icon and word. */
export const GateStatusLabel = ({
  status,
}: {
  status: GateResult['status'];
}) => {
  switch (status) {
    case 'passed':
      return <StatusOK>passed</StatusOK>;
    case 'failed':
      return <StatusError>failed</StatusError>;
    case 'pending':
      return <StatusPending>pending</StatusPending>;
    default:
      return <StatusAborted>{status}</StatusAborted>;
  }
};
