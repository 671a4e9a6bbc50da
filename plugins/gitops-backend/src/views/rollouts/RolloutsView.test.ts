import type { Entity } from '@backstage/catalog-model';
import type { ResourceNode } from '@internal/backstage-plugin-gitops-common';
import type {
  DeploymentApp,
  DeploymentResourceRef,
  DeploymentSource,
} from '@internal/backstage-plugin-gitops-node';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { RolloutActions } from '../../actions/RolloutActions';
import { UpstreamError } from '../../util/errors';
import {
  PAUSED_CANARY,
  STABLE_REPLICA_SET,
  analysisRun,
} from './__fixtures__/rolloutManifests';
import { RolloutsView } from './RolloutsView';

const TOKEN = 'argo-token-abcdef';
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'schedule-bot', namespace: 'default' },
} as Entity;

const app = (name: string, resourceVersion = '1'): DeploymentApp => ({
  instance: 'argocd-main',
  name,
  labels: {},
  autoSync: true,
  sync: 'Synced',
  health: 'Suspended',
  images: [],
  resourceVersion,
});

const rolloutNode: ResourceNode = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  kind: 'Rollout',
  namespace: 'schedule-bot-dev',
  name: 'schedule-bot',
  uid: 'ro-1',
  health: 'Suspended',
  healthMessage: 'Rollout is paused',
};
const child = (kind: string, name: string, group?: string): ResourceNode => ({
  ...(group ? { group } : {}),
  kind,
  namespace: 'schedule-bot-dev',
  name,
  uid: `${kind}-${name}`,
  parentUids: ['ro-1'],
});

/** A fleet of one source with three applications: a canary, a plain Deployment, a broken one. */
function setup() {
  const trees: Record<string, ResourceNode[]> = {
    'schedule-bot-dev': [
      rolloutNode,
      child('ReplicaSet', 'schedule-bot-5c4b', 'apps'),
      child('AnalysisRun', 'schedule-bot-7d9f-2-3', 'argoproj.io'),
      child('AnalysisRun', 'schedule-bot-gone-1-3', 'argoproj.io'),
    ],
    'schedule-bot-staging': [
      { group: 'apps', kind: 'Deployment', name: 'schedule-bot' },
    ],
    'schedule-bot-prod': [{ ...rolloutNode, uid: 'ro-2' }],
  };
  const live: Record<string, unknown> = {
    'schedule-bot-dev/Rollout/schedule-bot': PAUSED_CANARY,
    'schedule-bot-dev/ReplicaSet/schedule-bot-5c4b': STABLE_REPLICA_SET,
    'schedule-bot-dev/AnalysisRun/schedule-bot-7d9f-2-3': analysisRun(
      'schedule-bot-7d9f-2-3',
      'Successful',
      '2025-01-01T10:00:00Z',
    ),
  };
  const reads: string[] = [];
  const actions: string[] = [];
  let refusal: string | undefined;
  const source: DeploymentSource = {
    provider: 'argocd',
    name: 'argocd-main',
    secrets: [TOKEN],
    run: async () => {},
    getResources: async ref => trees[ref.name],
    getLiveResource: async (ref, r: DeploymentResourceRef) => {
      const key = `${ref.name}/${r.kind}/${r.name}`;
      reads.push(key);
      if (ref.name === 'schedule-bot-prod') {
        throw new UpstreamError(
          'Argo CD answered a live manifest of Rollout schedule-bot-dev/schedule-bot that is not JSON (12 characters)',
          200,
          'malformed',
        );
      }
      if (!live[key]) throw new UpstreamError('gone', 404, 'not-found');
      return live[key] as Record<string, unknown>;
    },
    runResourceAction: async (_ref, r, action) => {
      if (refusal) throw new UpstreamError(refusal, 400);
      actions.push(`${action} ${r.kind}/${r.name}`);
    },
  };
  const apps = [
    app('schedule-bot-dev'),
    app('schedule-bot-staging'),
    app('schedule-bot-prod'),
  ];
  const deps = {
    store: { deployments: new Map([['argocd-main', source]]) } as any,
    builder: {
      environmentOf: (a: DeploymentApp) => a.name.split('-')[2],
    } as any,
    appsOf: () => apps,
    treeOf: async (a: DeploymentApp) => trees[a.name],
    now: () => 0,
  };
  const view = new RolloutsView(deps);
  const rolloutActions = new RolloutActions({
    store: deps.store,
    applications: {
      findApp: (_e, _i, name) => {
        const found = apps.find(a => a.name === name);
        if (!found) throw new NotFoundError(`no ${name}`);
        return found;
      },
    },
    rollouts: view,
    treeOf: deps.treeOf,
  });
  return {
    view,
    rolloutActions,
    apps,
    reads,
    actions,
    refuse: (reason: string) => {
      refusal = reason;
    },
  };
}

describe('RolloutsView', () => {
  it('answers only the applications with Rollouts; a broken manifest fails only its application', async () => {
    const { view } = setup();
    const answer = await view.rollouts(entity);
    expect(answer.applications.map(a => a.name)).toEqual([
      'schedule-bot-dev',
      'schedule-bot-prod',
    ]);
    const [dev, prod] = answer.applications;
    expect(dev.error).toBeUndefined();
    expect(dev.environment).toBe('dev');
    expect(dev.rollouts).toEqual([
      expect.objectContaining({
        name: 'schedule-bot',
        health: 'Suspended',
        currentStepIndex: 1,
        setWeight: 20,
        stableImage: 'ghcr.io/acme/schedule-bot:0.8.5',
        canaryImage: 'ghcr.io/acme/schedule-bot:0.9.0',
        // The run garbage-collected since the tree was read is left out.
        analysisRuns: [expect.objectContaining({ phase: 'Successful' })],
      }),
    ]);
    expect(prod).toEqual({
      instance: 'argocd-main',
      name: 'schedule-bot-prod',
      environment: 'prod',
      rollouts: [],
      error:
        'Argo CD answered a live manifest of Rollout schedule-bot-dev/schedule-bot that is not JSON (12 characters)',
    });
  });

  it('reads each application once while its version stays, again once it moves', async () => {
    const { view, reads, apps } = setup();
    await view.rollouts(entity, 'argocd-main/schedule-bot-dev');
    const first = reads.length;
    expect(first).toBe(4);
    await view.rollouts(entity, 'argocd-main/schedule-bot-dev');
    expect(reads.length).toBe(first);
    apps[0] = app('schedule-bot-dev', '2');
    await view.rollouts(entity, 'argocd-main/schedule-bot-dev');
    expect(reads.length).toBe(2 * first);
  });
});

describe('RolloutActions', () => {
  const dev = {
    instance: 'argocd-main',
    application: 'schedule-bot-dev',
    namespace: 'schedule-bot-dev',
    rollout: 'schedule-bot',
  };

  it("promotes with Argo CD's resume, forgets what was kept and answers the Rollout read back", async () => {
    const { view, rolloutActions, actions, reads } = setup();
    await view.rollouts(entity);
    const before = reads.length;
    const answer = await rolloutActions.run(entity, dev, 'promote');
    expect(actions).toEqual(['resume Rollout/schedule-bot']);
    expect(answer.rollout.name).toBe('schedule-bot');
    expect(reads.length).toBeGreaterThan(before);
    const after = reads.length;
    await view.rollouts(entity, 'argocd-main/schedule-bot-dev');
    expect(reads.length).toBeGreaterThan(after);
  });

  it('refuses a Rollout that is not in the application (404) and runs nothing', async () => {
    const { rolloutActions, actions } = setup();
    await expect(
      rolloutActions.run(entity, { ...dev, rollout: 'other' }, 'abort'),
    ).rejects.toThrow(NotFoundError);
    await expect(
      rolloutActions.run(
        entity,
        { ...dev, application: 'schedule-bot-staging' },
        'abort',
      ),
    ).rejects.toThrow(
      'Rollout schedule-bot-dev/schedule-bot is not a resource of application argocd-main/schedule-bot-staging',
    );
    expect(actions).toEqual([]);
  });

  it("turns Argo CD's refusal into a conflict with its reason, without the token", async () => {
    const { rolloutActions, refuse } = setup();
    refuse(`action abort not available (Bearer ${TOKEN})`);
    const error = await rolloutActions.run(entity, dev, 'abort').catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(
      /^Argo CD refused to abort Rollout schedule-bot-dev\/schedule-bot: action abort not available/,
    );
    expect(error.message).not.toContain(TOKEN);
  });
});
