import fs from 'node:fs';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse, stringify } from 'yaml';
import { createManifestsCreateAction } from './manifestsCreate';
import { createManifestsValidateAction } from './manifestsValidate';
import { examples } from './manifestsValidate.examples';
import { tempWorkspace, writeTree } from '../testUtils/contracts';

const validate = createManifestsValidateAction();

async function scaffold(layout = 'kustomize') {
  const ws = tempWorkspace();
  const ctx = createMockActionContext({
    workspacePath: ws,
    input: {
      name: 'orders',
      image: 'registry.example.com/orders',
      owner: 'group:default/shop',
      repoUrl: 'https://git.example.com/gitops.git',
      layout,
      targetPath: 'gitops',
    },
  });
  await createManifestsCreateAction().handler(ctx as any);
  return ws;
}

function edit(ws: string, file: string, change: (o: any) => void) {
  const target = path.join(ws, 'gitops', file);
  const object = parse(fs.readFileSync(target, 'utf8'));
  change(object);
  fs.writeFileSync(target, stringify(object));
}

async function runValidate(ws: string, input: object = { path: 'gitops' }) {
  const ctx = createMockActionContext({
    workspacePath: ws,
    input: input as any,
  });
  await validate.handler(ctx as any);
  return ctx;
}

describe('gitops:manifests:validate', () => {
  it.each(['kustomize', 'helm'])(
    'accepts what gitops:manifests:create writes (%s)',
    async layout => {
      const ws = await scaffold(layout);
      const ctx = await runValidate(ws);
      expect(ctx.output).toHaveBeenCalledWith('checked', expect.any(Number));
      expect(ctx.output).toHaveBeenCalledWith('skipped', []);
    },
  );

  it('catches a broken Deployment, naming the file and the field', async () => {
    const ws = await scaffold();
    edit(ws, 'apps/orders/base/deployment.yaml', d => {
      d.spec.replicas = 'three';
    });
    await expect(runValidate(ws)).rejects.toThrow(
      'apps/orders/base/deployment.yaml: Deployment/orders spec.replicas: must be integer',
    );
  });

  it('catches a broken Argo CD Application and a missing required field', async () => {
    const ws = await scaffold();
    edit(ws, 'argocd/apps/orders-dev.yaml', a => {
      delete a.spec.destination;
      a.spec.syncPolicy.retry.limit = 'five';
    });
    const error = await runValidate(ws).catch(e => e);
    expect(error.message).toContain(
      'argocd/apps/orders-dev.yaml: Application/orders-dev spec.destination: must have required property',
    );
    expect(
      error.message.split(
        'argocd/apps/orders-dev.yaml: Application/orders-dev spec.syncPolicy.retry.limit: must be integer',
      ),
    ).toHaveLength(2);
  });

  it('validates Velero schedules against the CRD and their cron expression', async () => {
    const ws = await scaffold();
    edit(ws, 'backup/orders-prod-schedule.yaml', s => {
      s.spec.template.includedNamespaces = 'orders-prod';
    });
    edit(ws, 'backup/orders-staging-schedule.yaml', s => {
      s.spec.schedule = 'every day';
    });
    const error = await runValidate(ws).catch(e => e);
    expect(error.message).toContain(
      'backup/orders-prod-schedule.yaml: Schedule/orders-prod spec.template.includedNamespaces: must be array',
    );
    expect(error.message).toContain(
      "backup/orders-staging-schedule.yaml: Schedule/orders-staging spec.schedule: 'every day' is not a valid cron expression",
    );
  });

  it('refuses clear-text Secrets, missing kustomize resources and broken YAML', async () => {
    const ws = await scaffold();
    writeTree(ws, {
      'gitops/apps/orders/base/secret.yaml': stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'orders' },
        stringData: { PASSWORD: 'hunter2' },
      }),
      'gitops/apps/orders/overlays/dev/broken.yaml': 'a: [b\n',
    });
    edit(ws, 'apps/orders/overlays/dev/kustomization.yaml', k => {
      k.resources.push('missing.yaml');
    });
    const error = await runValidate(ws).catch(e => e);
    expect(error.message).toContain(
      'apps/orders/base/secret.yaml: Secret/orders stringData: secret values must not be committed in clear',
    );
    expect(error.message).toContain(
      "apps/orders/overlays/dev/kustomization.yaml: Kustomization resources.1: 'missing.yaml' does not exist",
    );
    expect(error.message).toContain(
      'apps/orders/overlays/dev/broken.yaml: (yaml):',
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('skips unknown kinds unless failOnUnknown is set', async () => {
    const ws = await scaffold();
    writeTree(ws, {
      'gitops/extra/rollout.yaml': stringify({
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
      }),
    });
    const ctx = await runValidate(ws);
    expect(ctx.output).toHaveBeenCalledWith('skipped', ['extra/rollout.yaml']);
    await expect(
      runValidate(ws, { path: 'gitops', failOnUnknown: true }),
    ).rejects.toThrow(
      'extra/rollout.yaml: apiVersion: no schema known for example.com/v1/Widget',
    );
  });
});

describe('gitops:manifests:validate examples', () => {
  it.each(examples.map(e => [e.description, e]))(
    'runs the example: %s',
    async (_description, example) => {
      const [step] = parse(example.example).steps;
      const ws = await scaffold();
      const ctx = await runValidate(ws, step.input);
      expect(ctx.output).toHaveBeenCalledWith('skipped', []);
    },
  );
});
