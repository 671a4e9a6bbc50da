import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AskedDialog } from './AskedDialog';

const render = (props: Partial<Parameters<typeof AskedDialog>[0]> = {}) => {
  const onClose = jest.fn();
  return renderInTestApp(
    <AskedDialog
      id="t"
      title="Events of payments-api-prod"
      onClose={onClose}
      loading={false}
      {...props}
    >
      <p>the content</p>
    </AskedDialog>,
  ).then(() => onClose);
};

describe('AskedDialog', () => {
  it('shows the content under its title, and closes', async () => {
    const onClose = await render();
    expect(
      screen.getByRole('dialog', { name: 'Events of payments-api-prod' }),
    ).toHaveTextContent('the content');
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalled();
  });

  it('shows progress, not the content, while it loads', async () => {
    await render({ loading: true });
    // Backstage's Progress shows after a short delay.
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.queryByText('the content')).not.toBeInTheDocument();
  });

  it("shows the request's error instead of the content", async () => {
    await render({ error: new Error('HTTP 502') });
    expect(screen.getByText('Error: HTTP 502')).toBeInTheDocument();
    expect(screen.queryByText('the content')).not.toBeInTheDocument();
  });

  it("shows the source's error for the application instead of the content", async () => {
    await render({ sourceError: 'Argo CD instance argocd-prod: HTTP 401' });
    expect(
      screen.getByText('Argo CD instance argocd-prod: HTTP 401'),
    ).toBeInTheDocument();
    expect(screen.queryByText('the content')).not.toBeInTheDocument();
  });
});
