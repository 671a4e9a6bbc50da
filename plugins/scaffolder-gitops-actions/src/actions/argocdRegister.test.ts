import fs from 'node:fs';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse, stringify } from 'yaml';
import { createArgocdRegisterAction } from './argocdRegister';
import { examples } from './argocdRegister.examples';
import { createManifestsCreateAction } from './manifestsCreate';
import { readTree, tempWorkspace, writeTree } from '../testUtils/contracts';

const REPO_URL = 'file:///srv/fleet/gitops.git';
const register = createArgocdRegisterAction();

/** A gitops repository laid out like the fleet simulator's seed (app-of-apps root). */
function seedRepo(
  ws: string,
  rootPath = 'argocd/apps',
  extra: Record<string, string> = {},
) {
  writeTree(ws, {
    'gitops/argocd/root.yaml': stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'root', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: {
          repoURL: REPO_URL,
          path: rootPath,
          targetRevision: 'main',
          directory: { recurse: true },
        },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: 'argocd',
        },
      },
    }),
    [`gitops/${rootPath}/payments-api-dev.yaml`]: stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'payments-api-dev', namespace: 'argocd' },
      spec: {
        project: 'default',
        destination: { namespace: 'payments-api-dev' },
      },
    }),
    'gitops/registry/versions.yaml': stringify({
      services: { 'payments-api': { dev: { version: '1.4.0' } } },
    }),
    ...extra,
  });
}

async function create(ws: string) {
  const ctx = createMockActionContext({
    workspacePath: ws,
    input: {
      name: 'orders',
      image: 'registry.example.com/orders',
      owner: 'group:default/shop',
      repoUrl: REPO_URL,
      targetPath: 'gitops',
    },
  });
  await createManifestsCreateAction().handler(ctx as any);
  return (ctx.output as jest.Mock).mock.calls.find(
    ([name]) => name === 'applicationFiles',
  )![1] as string[];
}

async function runRegister(ws: string, input: object, isDryRun = false) {
  const ctx = {
    ...createMockActionContext({ workspacePath: ws, input: input as any }),
    isDryRun,
  };
  await register.handler(ctx as any);
  const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  return outputs as {
    rootApp: string;
    registered: string[];
    changedFiles: string[];
  };
}

describe('gitops:argocd:register', () => {
  it('finds the new Applications already in the root app folder and changes nothing', async () => {
    const ws = tempWorkspace();
    seedRepo(ws);
    const applicationFiles = await create(ws);
    const before = readTree(ws);
    const out = await runRegister(ws, { repoPath: 'gitops', applicationFiles });
    expect(out).toEqual({
      rootApp: 'root',
      registered: ['orders-dev', 'orders-staging', 'orders-prod'],
      changedFiles: [],
    });
    expect(readTree(ws)).toEqual(before);
  });

  it('adds the Applications to a kustomization-based root; twice changes nothing', async () => {
    const ws = tempWorkspace();
    seedRepo(ws, 'argocd/apps', {
      'gitops/argocd/apps/kustomization.yaml':
        '# app-of-apps\nresources:\n  - payments-api-dev.yaml\n',
    });
    const applicationFiles = await create(ws);
    const first = await runRegister(ws, {
      repoPath: 'gitops',
      applicationFiles,
    });
    expect(first.changedFiles).toEqual(['argocd/apps/kustomization.yaml']);
    const kustomization = fs.readFileSync(
      path.join(ws, 'gitops/argocd/apps/kustomization.yaml'),
      'utf8',
    );
    expect(kustomization.startsWith('# app-of-apps\n')).toBe(true);
    expect(parse(kustomization).resources).toEqual([
      'payments-api-dev.yaml',
      'orders-dev.yaml',
      'orders-staging.yaml',
      'orders-prod.yaml',
    ]);
    const after = readTree(ws);
    const second = await runRegister(ws, {
      repoPath: 'gitops',
      applicationFiles,
    });
    expect(second.changedFiles).toEqual([]);
    expect(readTree(ws)).toEqual(after);
  });

  it("moves the Applications into the root app's folder when it is elsewhere; twice changes nothing", async () => {
    const ws = tempWorkspace();
    seedRepo(ws, 'clusters/main/apps');
    const applicationFiles = await create(ws);
    const first = await runRegister(ws, {
      repoPath: 'gitops',
      applicationFiles,
    });
    expect(first.changedFiles).toEqual([
      'argocd/apps/orders-dev.yaml',
      'argocd/apps/orders-prod.yaml',
      'argocd/apps/orders-staging.yaml',
      'clusters/main/apps/orders-dev.yaml',
      'clusters/main/apps/orders-prod.yaml',
      'clusters/main/apps/orders-staging.yaml',
    ]);
    expect(
      fs.readdirSync(path.join(ws, 'gitops/clusters/main/apps')).sort(),
    ).toEqual([
      'orders-dev.yaml',
      'orders-prod.yaml',
      'orders-staging.yaml',
      'payments-api-dev.yaml',
    ]);
    const after = readTree(ws);
    const second = await runRegister(ws, {
      repoPath: 'gitops',
      applicationFiles,
    });
    expect(second).toMatchObject({
      changedFiles: [],
      registered: first.registered,
    });
    expect(readTree(ws)).toEqual(after);
  });

  it('writes nothing in a dry run', async () => {
    const ws = tempWorkspace();
    seedRepo(ws, 'clusters/main/apps');
    const applicationFiles = await create(ws);
    const before = readTree(ws);
    const out = await runRegister(
      ws,
      { repoPath: 'gitops', applicationFiles },
      true,
    );
    expect(out.changedFiles).toHaveLength(6);
    expect(readTree(ws)).toEqual(before);
  });

  it('fails without a root Application unless asked to create one', async () => {
    const ws = tempWorkspace();
    const applicationFiles = await create(ws);
    await expect(
      runRegister(ws, { repoPath: 'gitops', applicationFiles }),
    ).rejects.toThrow(
      /rootAppFile: no root Application at 'argocd\/root.yaml'/,
    );
    const out = await runRegister(ws, {
      repoPath: 'gitops',
      applicationFiles,
      createRoot: { repoUrl: REPO_URL },
    });
    expect(out.changedFiles).toEqual(['argocd/root.yaml']);
    const root = parse(
      fs.readFileSync(path.join(ws, 'gitops/argocd/root.yaml'), 'utf8'),
    );
    expect(root.spec.source).toMatchObject({
      repoURL: REPO_URL,
      path: 'argocd/apps',
    });
    const again = await runRegister(ws, {
      repoPath: 'gitops',
      applicationFiles,
      createRoot: { repoUrl: REPO_URL },
    });
    expect(again.changedFiles).toEqual([]);
  });

  it('refuses a file that is not an Application, naming the field', async () => {
    const ws = tempWorkspace();
    seedRepo(ws);
    await expect(
      runRegister(ws, {
        repoPath: 'gitops',
        applicationFiles: ['registry/versions.yaml'],
      }),
    ).rejects.toThrow(
      /applicationFiles\.0: 'registry\/versions.yaml' is not an Argo CD Application/,
    );
  });
});

describe('gitops:argocd:register examples', () => {
  it('runs the examples', async () => {
    const ws = tempWorkspace();
    seedRepo(ws);
    const applicationFiles = await create(ws);
    const [first, second] = examples.map(e => parse(e.example).steps[0].input);
    const out = await runRegister(ws, { ...first, applicationFiles });
    expect(out.registered).toEqual([
      'orders-dev',
      'orders-staging',
      'orders-prod',
    ]);
    const empty = tempWorkspace();
    writeTree(empty, {
      'gitops/argocd/apps/invoices-api-dev.yaml': stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'invoices-api-dev' },
        spec: {},
      }),
    });
    const created = await runRegister(empty, second);
    expect(created.changedFiles).toEqual(['argocd/root.yaml']);
  });
});
