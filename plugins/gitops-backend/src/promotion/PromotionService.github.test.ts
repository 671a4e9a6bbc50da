import {
  registerMswTestHooks,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { setupServer } from 'msw/node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { capturingLogger } from '../__testUtils__/fleetBackend';
import { githubMock } from './__testUtils__/githubMock';
import {
  alice,
  bob,
  component,
  git,
  pushEdit,
  tempDir,
} from './__testUtils__/promotionTestUtils';
import { CliGitRepository } from './CliGitRepository';
import { promotionSettings } from './policy';
import { DatabasePromotionStore } from './PromotionStore';
import { PromotionService } from './PromotionService';
import { pullRequestProviderFor } from './pullRequestProviderFor';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const TOKEN = 'ghp_SECRETtoken0123456789abcdef';
const PROD = 'apps/payments-api/overlays/prod/kustomization.yaml';
const BRANCH = 'promote/payments-api-prod-1.4.0';

const payments = component('payments-api', {
  'gitops/version-source': 'kustomize',
  'gitops/repo-path': 'apps/payments-api',
});

const overlay = (version: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nimages:\n  - name: registry.example.com/payments-api\n    newTag: ${version}\n`;

describe('PromotionService with GitHub pull requests', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const mock = githubMock({ owner: 'acme', repo: 'gitops' });

  let dir: string;
  let bare: string;
  let repo: CliGitRepository;
  let service: PromotionService;
  let store: DatabasePromotionStore;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = await tempDir('github-service');
    bare = path.join(dir, 'origin.git');
    await git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    await pushEdit(`file://${bare}`, 'seed', async work => {
      for (const [env, version] of [
        ['dev', '1.4.0'],
        ['staging', '1.4.0'],
        ['prod', '1.3.0'],
      ]) {
        const file = path.join(
          work,
          `apps/payments-api/overlays/${env}/kustomization.yaml`,
        );
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, overlay(version));
      }
    });
    const integrations = ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: { github: [{ host: 'github.com', token: TOKEN }] },
      }),
    );
    const logger = capturingLogger(logs);
    // The remote is a local bare repository; the pull requests go to GitHub (msw).
    repo = new CliGitRepository({
      url: `file://${bare}`,
      workDir: path.join(dir, 'work'),
      logger,
    });
    const { provider } = pullRequestProviderFor({
      config: { repositoryUrl: 'https://github.com/acme/gitops' },
      repositoryUrl: `file://${bare}`,
      repo,
      integrations,
      githubCredentials:
        DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      logger,
    });
    store = await DatabasePromotionStore.fromKnex(
      await databases.init('SQLITE_3'),
    );
    service = new PromotionService({
      store,
      repo,
      pullRequests: provider,
      // prod by a pull request any owner merges; approval: true gives awaiting-approval.
      settings: promotionSettings({
        environments: { prod: { mode: 'pull-request', approval: false } },
      }),
      clock: { now: () => new Date('2026-11-20T10:00:00Z') },
      appStates: async ({ env }) => [
        {
          name: `payments-api-${env}`,
          sync: 'Synced',
          health: 'Healthy',
          images: ['registry.example.com/payments-api:1.4.0'],
        },
      ],
      logger,
    });
  });
  beforeEach(() => server.use(...mock.handlers));
  afterAll(async () => {
    repo.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const promote = () =>
    service.create({
      entity: payments,
      from: 'staging',
      to: 'prod',
      requester: alice,
    });

  it('pushes the branch, opens the pull request on GitHub and records it as pr-open', async () => {
    const mainBefore = (await git(bare, 'rev-parse', 'main')).trim();
    const promotion = await promote();
    expect(promotion).toMatchObject({
      state: 'pr-open',
      mode: 'pull-request',
      branch: BRANCH,
      prUrl: 'https://github.com/acme/gitops/pull/1',
    });
    expect(await store.get(promotion.id)).toMatchObject({
      state: 'pr-open',
      prUrl: 'https://github.com/acme/gitops/pull/1',
      commitSha: (await git(bare, 'rev-parse', BRANCH)).trim(),
    });
    expect((await git(bare, 'rev-parse', 'main')).trim()).toBe(mainBefore);
    expect(await git(bare, 'show', `${BRANCH}:${PROD}`)).toContain(
      'newTag: 1.4.0',
    );

    const [create] = mock.calls('POST', /\/pulls$/);
    expect(create.authorization).toBe(`token ${TOKEN}`);
    expect(create.body).toMatchObject({
      head: BRANCH,
      base: 'main',
      title: 'Promote payments-api 1.4.0 (staging → prod)',
    });
    const body: string = create.body.body;
    expect(body).toContain(
      'Promotes **payments-api** **1.4.0** from **staging** to **prod** (prod runs 1.3.0).',
    );
    expect(body).toContain('Requested by `user:default/alice` in Backstage.');
    expect(body).toContain(`- \`${PROD}\``);
    expect(body).toContain('-    newTag: 1.3.0\n+    newTag: 1.4.0');
    expect(body).toContain(`Promotion-Id: ${promotion.id}`);
  });

  it('merges it through GitHub when an owner merges it in Backstage', async () => {
    const [open] = await service.list('component:default/payments-api');
    const merged = await service.approve({
      id: open.id,
      entity: payments,
      approver: bob,
    });
    expect(merged).toMatchObject({
      state: 'merged',
      approver: 'user:default/bob',
      commitSha: mock.pulls[0].merge_commit_sha,
    });
    expect(mock.calls('PUT', /\/pulls\/1\/merge$/)).toHaveLength(1);
    expect((await git(bare, 'branch', '--list', BRANCH)).trim()).toBe('');
  });

  it('on a retry after a lost answer, rebuilds the branch and records the pull request already open', async () => {
    // GitHub creates the pull request but the answer never arrives.
    mock.failNext('POST', 502, { message: 'Bad Gateway' }, true);
    await expect(promote()).rejects.toThrow(ServiceUnavailableError);
    expect(mock.pulls).toHaveLength(2);
    expect((await git(bare, 'branch', '--list', BRANCH)).trim()).toBe(BRANCH);

    const retried = await promote();
    expect(retried).toMatchObject({
      state: 'pr-open',
      prUrl: 'https://github.com/acme/gitops/pull/2',
    });
    expect(mock.pulls).toHaveLength(2);
    expect(logs.join('\n')).not.toContain(TOKEN);
    const failed = (await service.list('component:default/payments-api')).find(
      p => p.state === 'failed',
    );
    expect(failed?.error).toMatch(
      /^GitHub: opening a pull request in acme\/gitops failed \(502\)/,
    );
  });
});
