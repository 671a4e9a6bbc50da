import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { request, tempDir } from './testUtils';

jest.setTimeout(60_000);

/** Runs `bin/fleet-simulator start` until it wrote the fragment; `use` gets the parsed config. */
async function withCli(
  args: string[],
  use: (cfg: any, out: string, dir: string) => Promise<void>,
) {
  const dir = await tempDir('fleet-cli-');
  const configOut = path.join(dir, 'out', 'app-config.fleet.yaml');
  const bin = path.resolve(__dirname, '../bin/fleet-simulator');
  const child = spawn(
    bin,
    [
      'start',
      '--dir',
      path.join(dir, 'fleet'),
      '--config-out',
      configOut,
      '--password',
      'pw',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const out = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', d => {
        text += d;
        if (text.includes('app-config fragment')) resolve(text);
      });
      child.on('exit', code => reject(new Error(`exited ${code}: ${text}`)));
    });
    await use(parse(await fs.readFile(configOut, 'utf8')), out, dir);
  } finally {
    child.kill('SIGTERM');
    await new Promise(r => child.once('exit', r));
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const appOf = async (url: string, ca?: string) => {
  const login = await request(`${url}/api/v1/session`, {
    method: 'POST',
    body: { username: 'admin', password: 'pw' },
    ca,
  });
  const { token } = login.json();
  return (
    await request(`${url}/api/v1/applications/payments-api-prod`, {
      headers: { authorization: `Bearer ${token}` },
      ca,
    })
  ).json();
};

describe('fleet-simulator start (bin launcher)', () => {
  it('with --plain-http starts the default fleet on http and writes the app-config fragment', async () => {
    await withCli(['--plain-http'], async (cfg, out, dir) => {
      const instances = cfg.gitops.argocd.instances;
      expect(instances.map((i: any) => i.name)).toEqual([
        'argocd-main',
        'argocd-prod',
      ]);
      expect(cfg.gitops.cost.clusters.map((c: any) => c.type)).toEqual([
        'kubecost',
        'opencost',
      ]);
      expect(cfg.gitops.repository.url).toBe(
        `file://${path.join(dir, 'fleet', 'gitops.git')}`,
      );
      for (const u of [
        ...instances.map((i: any) => i.url),
        ...cfg.gitops.cost.clusters.map((c: any) => c.url),
      ])
        expect(u).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(instances[0]).not.toHaveProperty('caCert');
      expect(cfg.gitops.cost.clusters[0]).not.toHaveProperty('caCert');
      expect(out).not.toContain('  CA ');
      await fs.access(cfg.gitops.velero.clusters[0].kubeconfigPath);
      const app = await appOf(instances[1].url);
      expect(app.status.sync.status).toBe('OutOfSync');
    });
  });

  it('with --https serves every upstream on https and puts the CA in the fragment and kubeconfigs', async () => {
    await withCli(
      ['--https', '--argo-path-prefixes', ',/argocd'],
      async (cfg, out, dir) => {
        const instances = cfg.gitops.argocd.instances;
        const caFile = path.join(dir, 'fleet', 'fleet-ca.pem');
        expect(out).toContain(`  CA    ${caFile}`);
        const ca = await fs.readFile(caFile, 'utf8');
        expect(instances[0].url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        expect(instances[1].url).toMatch(
          /^https:\/\/127\.0\.0\.1:\d+\/argocd$/,
        );
        expect(instances[1].webUrl).toBe(instances[1].url);
        for (const x of [...instances, ...cfg.gitops.cost.clusters])
          expect(x.caCert).toBe(ca);
        const kubeconfig = parse(
          await fs.readFile(
            cfg.gitops.velero.clusters[0].kubeconfigPath,
            'utf8',
          ),
        );
        expect(kubeconfig.clusters[0].cluster.server).toMatch(/^https:/);
        expect(
          Buffer.from(
            kubeconfig.clusters[0].cluster['certificate-authority-data'],
            'base64',
          ).toString(),
        ).toBe(ca);
        const app = await appOf(instances[1].url, ca);
        expect(app.status.sync.status).toBe('OutOfSync');
      },
    );
  });
});
