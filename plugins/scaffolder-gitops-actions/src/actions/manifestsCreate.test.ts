import fs from 'node:fs';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse, parseAllDocuments } from 'yaml';
import { createManifestsCreateAction } from './manifestsCreate';
import { examples } from './manifestsCreate.examples';
import { resolveServiceSpec } from '../lib/input';
import { loadModels, modelsByType } from '../lib/models';
import { renderService } from '../lib/render';
import { validateManifests } from '../lib/validateManifests';
import {
  argoCrdValidators,
  readTree,
  tempWorkspace,
  upstreamVeleroValidator,
  writeTree,
} from '../testUtils/contracts';

const GOLDEN = path.join(__dirname, '__fixtures__/golden');
const NOW = new Date('2026-11-23T10:00:00.000Z');
const action = createManifestsCreateAction({ now: () => NOW });

const KUSTOMIZE_INPUT = {
  name: 'invoices-api',
  image: 'registry.example.com/invoices-api',
  port: 8080,
  owner: 'group:default/payments',
  system: 'payments',
  repoUrl: 'https://git.example.com/platform/gitops.git',
  secrets: {
    provider: 'external-secrets',
    keys: ['DATABASE_URL', 'API_TOKEN'],
    store: { kind: 'ClusterSecretStore', name: 'vault' },
  },
  migration: { command: ['./migrate', 'up'] },
  argocd: { project: 'payments', createProject: true },
  targetPath: 'gitops',
  catalogInfoPath: 'service/catalog-info.yaml',
};

const HELM_INPUT = {
  name: 'ledger',
  image: 'registry.example.com/ledger',
  tag: '1.0.0',
  port: 3000,
  owner: 'group:default/finance',
  layout: 'helm',
  environments: [
    'dev',
    { name: 'staging', backup: { schedule: '30 1 * * *', ttl: '168h0m0s' } },
    { name: 'prod', replicas: 4, hpa: { min: 4, max: 12, cpuPercent: 60 } },
  ],
  secrets: { provider: 'sealed-secrets', keys: ['DATABASE_URL'] },
  repoUrl: 'https://git.example.com/platform/gitops.git',
  targetPath: 'gitops',
  catalogInfoPath: 'service/catalog-info.yaml',
};

async function run(workspacePath: string, input: object, isDryRun = false) {
  // createMockActionContext drops isDryRun: set it on the context.
  const ctx = {
    ...createMockActionContext({ workspacePath, input: input as any }),
    isDryRun,
  };
  await action.handler(ctx as any);
  return ctx;
}

/** Compares the workspace with a golden folder; UPDATE_GOLDEN=1 rewrites the golden files. */
function expectGolden(workspace: string, name: string) {
  const actual = readTree(workspace);
  const dir = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) {
    fs.rmSync(dir, { recursive: true, force: true });
    writeTree(dir, actual);
  }
  expect(actual).toEqual(readTree(dir));
}

describe('gitops:manifests:create', () => {
  it('writes the Kustomize layout (golden files)', async () => {
    const ws = tempWorkspace();
    const ctx = await run(ws, KUSTOMIZE_INPUT);
    expectGolden(ws, 'kustomize');
    expect(ctx.output).toHaveBeenCalledWith('applications', [
      'invoices-api-dev',
      'invoices-api-staging',
      'invoices-api-prod',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('repoPath', 'apps/invoices-api');
  });

  it('writes the Helm layout (golden files)', async () => {
    const ws = tempWorkspace();
    const ctx = await run(ws, HELM_INPUT);
    expectGolden(ws, 'helm');
    expect(ctx.output).toHaveBeenCalledWith('repoPath', 'charts/ledger');
  });

  it.each([
    ['kustomize', KUSTOMIZE_INPUT, 20],
    ['helm', HELM_INPUT, 5],
  ])(
    'every generated object of the %s layout validates against its model or upstream CRD',
    async (_layout, input, filesChecked) => {
      const models = await loadModels();
      const byType = modelsByType(models);
      const argo = new Map(
        argoCrdValidators().map(v => [`${v.apiVersion}/${v.kind}`, v]),
      );
      const velero = upstreamVeleroValidator();
      const { objects } = renderService(models, resolveServiceSpec(input));
      const kinds = new Set<string>();
      const failures: Array<{ file: string; errors: unknown }> = [];
      let crdChecked = 0;
      for (const { file, object } of objects) {
        const type = `${object.apiVersion}/${object.kind}`;
        kinds.add(object.kind);
        const errors: unknown[] = [];
        if (type === 'velero.io/v1/Schedule') {
          errors.push(...velero.validate(object));
          crdChecked++;
        } else {
          const Model = byType.get(type);
          try {
            if (!Model) throw new Error(`no model for ${type}`);
            new Model(object).validate();
          } catch (e) {
            errors.push(String(e));
          }
          const crd = argo.get(type);
          if (crd) {
            errors.push(...crd.validate(object));
            crdChecked++;
          }
        }
        if (errors.length) failures.push({ file, errors });
      }
      expect(failures).toEqual([]);
      // 3 Applications + 2 Velero schedules at least went through the upstream CRD schemas.
      expect(crdChecked).toBeGreaterThanOrEqual(5);
      expect([...kinds].sort()).toEqual(
        expect.arrayContaining([
          'Application',
          'Deployment',
          'NetworkPolicy',
          'PodDisruptionBudget',
          'Schedule',
          'Service',
          'ServiceAccount',
          'HorizontalPodAutoscaler',
        ]),
      );

      // The files as written validate too, Argo objects against the upstream CRDs.
      const ws = tempWorkspace();
      await run(ws, input);
      const report = await validateManifests(
        path.join(ws, 'gitops'),
        await loadModels(),
        { extraValidators: argoCrdValidators() },
      );
      expect(report.problems).toEqual([]);
      expect(report.skipped).toEqual([]);
      expect(report.checked).toBeGreaterThanOrEqual(filesChecked);
    },
  );

  it('applies the policy table as defaults', async () => {
    const ws = tempWorkspace();
    await run(ws, KUSTOMIZE_INPUT);
    const read = (f: string) =>
      parse(fs.readFileSync(path.join(ws, 'gitops', f), 'utf8'));
    const app = (env: string) => read(`argocd/apps/invoices-api-${env}.yaml`);
    expect(app('dev').spec.syncPolicy.automated).toEqual({
      prune: true,
      selfHeal: true,
    });
    expect(app('staging').spec.syncPolicy.automated).toEqual({
      prune: true,
      selfHeal: true,
    });
    expect(app('prod').spec.syncPolicy.automated).toBeUndefined();
    for (const env of ['dev', 'staging', 'prod']) {
      expect(app(env).metadata.finalizers).toEqual([
        'resources-finalizer.argocd.argoproj.io',
      ]);
      expect(app(env).metadata.labels).toMatchObject({
        app: 'invoices-api',
        environment: env,
      });
      expect(app(env).spec.syncPolicy.syncOptions).toEqual(
        expect.arrayContaining(['CreateNamespace=true', 'PruneLast=true']),
      );
      expect(app(env).spec.syncPolicy.retry.backoff).toBeDefined();
      expect(app(env).spec.destination.namespace).toBe(`invoices-api-${env}`);
    }
    expect(app('dev').spec.ignoreDifferences).toBeUndefined();
    expect(app('prod').spec.ignoreDifferences).toEqual([
      expect.objectContaining({ jsonPointers: ['/spec/replicas'] }),
    ]);

    // The overlays as the fleet simulator reads them (images[0], replicas[0], resource requests).
    const overlay = (env: string) =>
      read(`apps/invoices-api/overlays/${env}/kustomization.yaml`);
    const requests = (env: string) =>
      parse(overlay(env).patches[0].patch)[0].value;
    expect(overlay('prod').images[0]).toEqual({
      name: 'registry.example.com/invoices-api',
      newTag: '0.1.0',
    });
    expect(
      ['dev', 'staging', 'prod'].map(env => overlay(env).replicas[0].count),
    ).toEqual([1, 2, 3]);
    expect(requests('dev')).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
    });
    expect(requests('prod')).toEqual({
      requests: { cpu: '200m', memory: '256Mi' },
      limits: { cpu: '1000m', memory: '1Gi' },
    });
    const hpa = read('apps/invoices-api/overlays/staging/hpa.yaml');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(
      fs.existsSync(
        path.join(ws, 'gitops/apps/invoices-api/overlays/dev/hpa.yaml'),
      ),
    ).toBe(false);
    expect(
      parse(overlay('prod').patches[0].patch).map((op: any) => op.path),
    ).toContain('/spec/template/spec/affinity');

    const deployment = read('apps/invoices-api/base/deployment.yaml');
    expect(deployment.spec.strategy.rollingUpdate).toEqual({
      maxSurge: 1,
      maxUnavailable: 0,
    });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1000,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.readinessProbe.tcpSocket.port).toBe('http');
    expect(container.env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: {
        secretKeyRef: { name: 'invoices-api-secrets', key: 'DATABASE_URL' },
      },
    });

    expect(fs.readdirSync(path.join(ws, 'gitops/backup')).sort()).toEqual([
      'invoices-api-prod-schedule.yaml',
      'invoices-api-staging-schedule.yaml',
    ]);
    const catalog = parse(
      fs.readFileSync(path.join(ws, 'service/catalog-info.yaml'), 'utf8'),
    );
    expect(catalog.metadata.annotations).toEqual({
      'argocd/app-selector': 'app=invoices-api',
      'argocd/project-name': 'payments',
      'gitops/repo-path': 'apps/invoices-api',
      'gitops/version-source': 'kustomize',
      'gitops/cost-label-selector': 'app=invoices-api',
    });
  });

  it('never writes a secret value', async () => {
    const ws = tempWorkspace();
    await run(ws, KUSTOMIZE_INPUT);
    await run(tempWorkspace(), HELM_INPUT);
    for (const [file, text] of Object.entries(readTree(ws))) {
      for (const doc of parseAllDocuments(text)) {
        const o: any = doc.toJSON();
        expect({ file, kind: o?.kind }).not.toEqual({ file, kind: 'Secret' });
      }
    }
    await expect(
      run(tempWorkspace(), {
        ...KUSTOMIZE_INPUT,
        secrets: {
          provider: 'external-secrets',
          keys: ['DATABASE_URL'],
          values: { DATABASE_URL: 'postgres://user:pw@db' },
        },
      }),
    ).rejects.toThrow(/secrets: Unrecognized key\(s\) in object: 'values'/);
  });

  it('yields identical bytes when run again on the same workspace', async () => {
    for (const input of [KUSTOMIZE_INPUT, HELM_INPUT]) {
      const ws = tempWorkspace();
      await run(ws, input);
      const first = readTree(ws);
      const registry = path.join(ws, 'gitops/registry/versions.yaml');
      const mtime = fs.statSync(registry).mtimeMs;
      const later = createManifestsCreateAction({
        now: () => new Date('2026-12-01T00:00:00.000Z'),
      });
      const ctx = createMockActionContext({
        workspacePath: ws,
        input: input as any,
      });
      await later.handler(ctx as any);
      expect(readTree(ws)).toEqual(first);
      expect(fs.statSync(registry).mtimeMs).toBe(mtime);
    }
  });

  it('refuses to replace an existing service with other content unless overwrite is set', async () => {
    const ws = tempWorkspace();
    await run(ws, KUSTOMIZE_INPUT);
    const before = readTree(ws);
    const changed = {
      ...KUSTOMIZE_INPUT,
      environments: [{ name: 'dev', replicas: 2 }, 'staging', 'prod'],
    };
    await expect(run(ws, changed)).rejects.toThrow(
      /name: 'invoices-api' already exists in the gitops repository with other content \(apps\/invoices-api\/overlays\/dev\/kustomization.yaml\)/,
    );
    expect(readTree(ws)).toEqual(before);
    await run(ws, { ...changed, overwrite: true });
    const overlay = parse(
      fs.readFileSync(
        path.join(
          ws,
          'gitops/apps/invoices-api/overlays/dev/kustomization.yaml',
        ),
        'utf8',
      ),
    );
    expect(overlay.replicas).toEqual([{ name: 'invoices-api', count: 2 }]);
  });

  it('writes nothing in a dry run', async () => {
    const ws = tempWorkspace();
    const ctx = await run(ws, KUSTOMIZE_INPUT, true);
    expect(fs.readdirSync(ws)).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith(
      'files',
      expect.arrayContaining(['argocd/apps/invoices-api-prod.yaml']),
    );
  });

  it('merges into an existing registry/versions.yaml, keeping the other services', async () => {
    const ws = tempWorkspace();
    const existing =
      'services:\n  payments-api:\n    dev:\n      version: 1.4.0\n      deployed_at: 2026-11-19T10:00:00.000Z\n      deployed_by: release-bot@example.com\n';
    writeTree(ws, { 'gitops/registry/versions.yaml': existing });
    await run(ws, KUSTOMIZE_INPUT);
    const text = fs.readFileSync(
      path.join(ws, 'gitops/registry/versions.yaml'),
      'utf8',
    );
    expect(text.startsWith(existing)).toBe(true);
    expect(parse(text).services['invoices-api']).toEqual({
      dev: {
        version: '0.1.0',
        deployed_at: '2026-11-23T10:00:00.000Z',
        deployed_by: 'backstage-scaffolder',
      },
      staging: expect.objectContaining({ version: '0.1.0' }),
      prod: expect.objectContaining({ version: '0.1.0' }),
    });
  });

  it.each([
    [
      'replicas -1',
      { environments: [{ name: 'dev', replicas: -1 }] },
      /environments\.0\.replicas: Number must be greater than or equal to 0/,
    ],
    [
      'a bad cron',
      {
        environments: [
          'dev',
          { name: 'staging', backup: { schedule: '61 2 * * *' } },
        ],
      },
      /environments\.1\.backup\.schedule: must be a cron expression/,
    ],
    [
      'a name that is not a DNS label',
      { name: 'Invoices_API' },
      /name: must be a DNS-1123 label/,
    ],
    [
      'an environment that is not a DNS label',
      { environments: ['dev', 'Prod'] },
      /environments\.1\.name: must be a DNS-1123 label/,
    ],
    [
      'an HPA whose min exceeds max',
      { environments: [{ name: 'prod', hpa: { min: 5, max: 2 } }] },
      /environments\.0\.hpa: min \(5\) is greater than max \(2\)/,
    ],
    [
      'a port out of range',
      { port: 70000 },
      /port: Number must be less than or equal to 65535/,
    ],
    [
      'an image with a tag',
      { image: 'registry.example.com/invoices-api:1.0' },
      /image: must be a repository without tag or digest/,
    ],
  ])('refuses %s, naming the field', async (_what, override, message) => {
    const ws = tempWorkspace();
    await expect(run(ws, { ...KUSTOMIZE_INPUT, ...override })).rejects.toThrow(
      message,
    );
    expect(fs.readdirSync(ws)).toEqual([]);
  });
});

describe('gitops:manifests:create with an existing AppProject', () => {
  it('extends it with the new namespaces instead of replacing it, idempotently', async () => {
    const ws = tempWorkspace();
    const existing = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: AppProject',
      'metadata:',
      '  name: payments',
      '  namespace: argocd',
      'spec:',
      '  description: Services of the payments team',
      '  sourceRepos:',
      '    - https://git.example.com/platform/gitops.git',
      '  destinations:',
      '    - server: https://kubernetes.default.svc',
      '      namespace: payments-api-dev',
      '    - server: https://kubernetes.default.svc',
      '      namespace: invoices-api-dev',
      '  roles:',
      '    - name: deployer',
      '      policies:',
      '        - p, proj:payments:deployer, applications, sync, payments/*, allow',
      '',
    ].join('\n');
    writeTree(ws, { 'gitops/argocd/projects/payments.yaml': existing });
    await run(ws, KUSTOMIZE_INPUT);
    const file = path.join(ws, 'gitops/argocd/projects/payments.yaml');
    const project = parse(fs.readFileSync(file, 'utf8'));
    expect(project.spec.roles).toHaveLength(1);
    expect(project.spec.sourceRepos).toEqual([
      'https://git.example.com/platform/gitops.git',
    ]);
    expect(project.spec.destinations.map((d: any) => d.namespace)).toEqual([
      'payments-api-dev',
      'invoices-api-dev',
      'invoices-api-staging',
      'invoices-api-prod',
    ]);
    const [appProject] = argoCrdValidators().filter(
      v => v.kind === 'AppProject',
    );
    expect(appProject.validate(project)).toEqual([]);
    const bytes = fs.readFileSync(file, 'utf8');
    await run(ws, KUSTOMIZE_INPUT);
    expect(fs.readFileSync(file, 'utf8')).toBe(bytes);
  });
});

describe('gitops:manifests:create examples', () => {
  it.each(examples.map(e => [e.description, e]))(
    'runs the example: %s',
    async (_description, example) => {
      const [step] = parse(example.example).steps;
      const ws = tempWorkspace();
      const ctx = await run(ws, step.input);
      expect(ctx.output).toHaveBeenCalledWith(
        'applications',
        expect.arrayContaining([`${step.input.name}-prod`]),
      );
    },
  );
});
