import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import {
  HealthStatusLabel,
  OperationLabel,
  SyncStatusLabel,
} from './StatusLabels';

describe('status labels', () => {
  it.each(['Synced', 'OutOfSync', 'Unknown'])(
    'names sync status %s',
    async s => {
      await renderInTestApp(<SyncStatusLabel status={s} />);
      expect(screen.getByText(s)).toBeInTheDocument();
    },
  );

  it.each([
    'Healthy',
    'Progressing',
    'Degraded',
    'Suspended',
    'Missing',
    'Unknown',
  ])('names health status %s', async s => {
    await renderInTestApp(<HealthStatusLabel status={s} />);
    expect(screen.getByText(s)).toBeInTheDocument();
  });

  it('shows an unexpected status as it is, not as healthy', async () => {
    await renderInTestApp(<HealthStatusLabel status="Weird" />);
    expect(screen.getByText('Weird')).toBeInTheDocument();
    expect(screen.queryByText('Healthy')).not.toBeInTheDocument();
  });

  it.each(['Running', 'Succeeded', 'Failed'])('names operation %s', async p => {
    await renderInTestApp(<OperationLabel phase={p} />);
    expect(screen.getByText(p)).toBeInTheDocument();
  });
});
