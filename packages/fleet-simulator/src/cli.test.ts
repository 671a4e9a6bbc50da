import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { tempDir } from './testUtils';

jest.setTimeout(60_000);

describe('fleet-simulator start (bin launcher)', () => {
  it('starts the default fleet and writes the app-config fragment', async () => {
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
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', d => {
          out += d;
          if (out.includes('app-config fragment')) resolve();
        });
        child.on('exit', code => reject(new Error(`exited ${code}: ${out}`)));
      });
      const cfg = parse(await fs.readFile(configOut, 'utf8'));
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
      await fs.access(cfg.gitops.velero.clusters[0].kubeconfigPath);
      const login = await fetch(`${instances[1].url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'pw' }),
      });
      const { token } = (await login.json()) as any;
      const app = (await (
        await fetch(
          `${instances[1].url}/api/v1/applications/payments-api-prod`,
          { headers: { authorization: `Bearer ${token}` } },
        )
      ).json()) as any;
      expect(app.status.sync.status).toBe('OutOfSync');
    } finally {
      child.kill('SIGTERM');
      await new Promise(r => child.once('exit', r));
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
