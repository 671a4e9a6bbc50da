import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { RolloutCanary } from './RolloutCanary';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import {
  DENY_ALL,
  pausedCanary,
  paymentsOverview,
  promotedCanary,
  scheduleBotRollouts,
} from '../../__testUtils__/fixtures';
import { atFixedTime } from '../../__testUtils__/clock';
import { fakeSignals } from '../../__testUtils__/signals';

const entityRef = {
  kind: 'Component',
  namespace: 'default',
  name: 'payments-api',
};

/** A mock API answering the paused canary of schedule-bot in dev. */
function canaryApi(api = mockGitopsApi()) {
  api.getRollouts.mockResolvedValue(scheduleBotRollouts());
  return api;
}

async function renderCanary(api = canaryApi()) {
  await renderWithGitops(<RolloutCanary />, { api });
  return screen.findByRole('region', { name: 'Canary of schedule-bot in dev' });
}

/** A 409 as the backend sends it when Argo CD refuses the action. */
const refused = (message: string) =>
  ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'ConflictError', message },
        request: { method: 'POST', url: '/promote' },
        response: { statusCode: 409 },
      }),
      { status: 409, headers: { 'Content-Type': 'application/json' } },
    ),
  );

describe('RolloutCanary', () => {
  atFixedTime();

  it('shows a paused canary at step 2 of 5 with its weight, pause, images and Promote', async () => {
    const region = await renderCanary();
    expect(
      screen.getByRole('heading', { name: /^dev/, level: 3 }),
    ).toBeInTheDocument();
    expect(within(region).getByText('Paused')).toBeInTheDocument();
    expect(region).toHaveTextContent('Step 2 of 5');
    const list = within(region).getByRole('list', {
      name: 'Steps of schedule-bot in dev',
    });
    const items = within(list).getAllByRole('listitem');
    expect(items.map(li => li.textContent)).toEqual([
      'Set weight 20% · done',
      'Pause until promoted · current',
      'Set weight 50%',
      'Pause 10m',
      'Set weight 100%',
    ]);
    expect(items[1]).toHaveAttribute('aria-current', 'step');
    expect(region.querySelectorAll('[aria-current]')).toHaveLength(1);
    expect(region).toHaveTextContent('Set weight 20% · actual 20%');
    expect(region).toHaveTextContent(
      'Paused since 10 min ago (CanaryPauseStep)',
    );
    expect(region).toHaveTextContent(
      'Stable registry.example.com/schedule-bot:2.0.0 → canary registry.example.com/schedule-bot:2.1.0',
    );
    expect(
      within(region).getByRole('list', {
        name: 'Analysis runs of schedule-bot in dev',
      }),
    ).toHaveTextContent('Analysis schedule-bot-7c9-2 Successful');
    expect(
      within(region).getByRole('button', {
        name: 'Promote schedule-bot in dev',
      }),
    ).toBeEnabled();
    expect(
      within(region).getByRole('button', { name: 'Abort schedule-bot in dev' }),
    ).toBeEnabled();
  });

  it('promotes once after confirmation and shows the next step from the answer', async () => {
    const api = canaryApi();
    api.runRolloutAction.mockResolvedValue({ rollout: promotedCanary() });
    const region = await renderCanary(api);
    await userEvent.click(
      within(region).getByRole('button', {
        name: 'Promote schedule-bot in dev',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Promote schedule-bot in dev?',
    });
    expect(dialog).toHaveTextContent(
      'it leaves step 2 (Pause until promoted) for step 3 (Set weight 50%)',
    );
    expect(api.runRolloutAction).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote' }),
    );

    // The panel shows the answer's Rollout without waiting for a re-read.
    await waitFor(() =>
      expect(region.querySelector('[aria-current="step"]')).toHaveTextContent(
        'Set weight 50% · current',
      ),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.runRolloutAction).toHaveBeenCalledTimes(1);
    expect(api.runRolloutAction).toHaveBeenCalledWith(entityRef, {
      instance: 'argocd-main',
      application: 'schedule-bot-dev',
      namespace: 'schedule-bot-dev',
      rollout: 'schedule-bot',
      action: 'promote',
    });
    expect(region).toHaveTextContent('Set weight 50% · actual 20%');
    expect(region).not.toHaveTextContent('Promote');
    expect(api.getRollouts).toHaveBeenCalledTimes(1);
  });

  it('disables Promote and Abort with the reason when the policy says no', async () => {
    const api = canaryApi(
      mockGitopsApi(paymentsOverview({ permissions: DENY_ALL })),
    );
    const region = await renderCanary(api);
    const promote = within(region).getByRole('button', {
      name: 'Promote schedule-bot in dev',
    });
    await waitFor(() => expect(promote).toBeDisabled());
    expect(
      within(region).getByRole('button', { name: 'Abort schedule-bot in dev' }),
    ).toBeDisabled();
    expect(
      within(region).getByLabelText(
        'Promote schedule-bot in dev: You are not allowed to promote rollouts of payments-api',
      ),
    ).toBeInTheDocument();
    expect(
      within(region).getByLabelText(
        'Abort schedule-bot in dev: You are not allowed to abort rollouts of payments-api',
      ),
    ).toBeInTheDocument();
    await userEvent.click(promote, { pointerEventsCheck: 0 });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.runRolloutAction).not.toHaveBeenCalled();
  });

  it("shows the backend's reason when Argo CD refuses the action", async () => {
    const api = canaryApi();
    api.runRolloutAction.mockRejectedValue(
      await refused('Argo CD refused promote of schedule-bot: not paused'),
    );
    const region = await renderCanary(api);
    await userEvent.click(
      within(region).getByRole('button', {
        name: 'Promote schedule-bot in dev',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Promote failed: Argo CD refused promote of schedule-bot: not paused',
    );
    expect(dialog).not.toHaveTextContent('Request failed');
    // The panel still shows the Rollout as it was read.
    expect(region).toHaveTextContent('Step 2 of 5');
  });

  it('shows why an aborted rollout aborted and the failing metric of its analysis', async () => {
    const api = mockGitopsApi();
    api.getRollouts.mockResolvedValue(
      scheduleBotRollouts([
        pausedCanary({
          phase: 'Degraded',
          health: 'Degraded',
          paused: false,
          pauseReason: undefined,
          pausedSince: undefined,
          aborted: true,
          message:
            'RolloutAborted: Rollout aborted update to revision 3: Metric "smoke" assessed Failed',
          currentStepIndex: 0,
          setWeight: 0,
          actualWeight: 0,
          analysisRuns: [
            {
              name: 'schedule-bot-7c9-3',
              phase: 'Failed',
              message:
                'Metric "smoke" assessed Failed due to failed (1) > failureLimit (0)',
              metrics: [
                {
                  name: 'smoke',
                  phase: 'Failed',
                  message: 'GET /healthz returned 503',
                },
                { name: 'latency', phase: 'Successful' },
              ],
            },
          ],
          actions: [{ name: 'abort', disabled: true }],
        }),
      ]),
    );
    const region = await renderCanary(api);
    expect(within(region).getByText('Aborted')).toBeInTheDocument();
    expect(region).toHaveTextContent(
      'Aborted: RolloutAborted: Rollout aborted update to revision 3: Metric "smoke" assessed Failed',
    );
    const runs = within(region).getByRole('list', {
      name: 'Analysis runs of schedule-bot in dev',
    });
    expect(runs).toHaveTextContent('Analysis schedule-bot-7c9-3 Failed');
    expect(runs).toHaveTextContent(
      'Metric smoke Failed: GET /healthz returned 503',
    );
    expect(runs).not.toHaveTextContent('latency');
    expect(
      within(region).queryByRole('button', {
        name: 'Promote schedule-bot in dev',
      }),
    ).not.toBeInTheDocument();
  });

  it('renders a canary without analysis and a blue-green Rollout', async () => {
    const api = mockGitopsApi();
    api.getRollouts.mockResolvedValue(
      scheduleBotRollouts([
        pausedCanary({ analysisRuns: [] }),
        pausedCanary({
          name: 'schedule-web',
          strategy: 'blueGreen',
          steps: [],
          currentStepIndex: undefined,
          setWeight: undefined,
          actualWeight: undefined,
          pauseReason: 'BlueGreenPause',
          analysisRuns: [],
        }),
      ]),
    );
    const canary = await renderCanary(api);
    expect(canary).toHaveTextContent('No analysis');
    const blueGreen = screen.getByRole('region', {
      name: 'Blue-green of schedule-web in dev',
    });
    expect(blueGreen).toHaveTextContent(
      'Paused since 10 min ago (BlueGreenPause)',
    );
    expect(blueGreen).toHaveTextContent(
      'Stable registry.example.com/schedule-bot:2.0.0 → preview registry.example.com/schedule-bot:2.1.0',
    );
    expect(blueGreen).toHaveTextContent('No analysis');
    expect(within(blueGreen).queryByRole('list')).not.toBeInTheDocument();
    expect(
      within(blueGreen).getByRole('button', {
        name: 'Promote schedule-web in dev',
      }),
    ).toBeEnabled();
  });

  it('shows the error of one application while the others render', async () => {
    const api = mockGitopsApi();
    api.getRollouts.mockResolvedValue(
      scheduleBotRollouts(undefined, [
        {
          instance: 'argocd-prod',
          name: 'schedule-bot-prod',
          environment: 'prod',
          rollouts: [],
          error: 'argocd-prod: unavailable',
        },
      ]),
    );
    await renderCanary(api);
    expect(screen.getByRole('alert')).toHaveTextContent(
      'The Rollouts of schedule-bot-prod could not be read: argocd-prod: unavailable',
    );
    expect(
      screen.getByRole('heading', { name: /^prod/, level: 3 }),
    ).toBeInTheDocument();
  });

  it('renders nothing for an entity without Rollouts', async () => {
    const api = mockGitopsApi();
    const { container } = await renderWithGitops(<RolloutCanary />, { api });
    await waitFor(() => expect(api.getRollouts).toHaveBeenCalled());
    expect(container).toBeEmptyDOMElement();
  });
});

// On the real clock: under the fixed clock's fake timers the re-read's answer did not render.
describe('RolloutCanary live', () => {
  it('re-reads when the entity signals a change, and the read wins over the last answer', async () => {
    const signals = fakeSignals();
    const api = mockGitopsApi();
    api.getRollouts.mockResolvedValue(scheduleBotRollouts());
    await renderWithGitops(<RolloutCanary />, { api, signalApi: signals.api });
    const region = await screen.findByRole('region', {
      name: 'Canary of schedule-bot in dev',
    });
    api.getRollouts.mockResolvedValue(
      scheduleBotRollouts([pausedCanary({ currentStepIndex: 3 })]),
    );
    signals.overviewChanged();
    await waitFor(() => expect(region).toHaveTextContent('Step 4 of 5'));
    expect(api.getRollouts).toHaveBeenCalledTimes(2);
  });
});
