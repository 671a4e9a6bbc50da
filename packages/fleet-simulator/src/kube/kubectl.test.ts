import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Fleet } from '../fleet';
import {
  request,
  startKubeTestFleet,
  stopAndClean,
  tempDir,
} from '../testUtils';

/**
 * The standard Kubernetes CLI against the simulated cluster, over HTTPS with the fleet's own
 * kubeconfig (certificate-authority-data and a bearer token, nothing changed): discovery,
 * server-side printing (Tables), `-o json` and `--watch`. kubectl is a system tool here like git
 * and chromium; scripts/install-system-deps.sh installs it when missing.
 */

jest.setTimeout(60_000);

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

const KUBECTL = findOnPath('kubectl');
const kubectlBin = () => {
  if (!KUBECTL)
    throw new Error(
      'kubectl is not installed (not on PATH): run scripts/install-system-deps.sh, which installs it with apt-get',
    );
  return KUBECTL;
};

interface Proc {
  child: ChildProcess;
  out(): string;
  waitFor(pred: (out: string) => boolean, ms?: number): Promise<string>;
  exit: Promise<{ code: number | null; stderr: string }>;
}

describe('kubectl against the simulated cluster (HTTPS, the fleet kubeconfig)', () => {
  let fleet: Fleet;
  let kube: Fleet['kube'][number];
  let home: string;

  const start = (args: string[]): Proc => {
    const child = spawn(kubectlBin(), args, {
      // A HOME of its own keeps kubectl's discovery cache out of the user's ~/.kube.
      env: {
        PATH: process.env.PATH,
        HOME: home,
        KUBECONFIG: kube.kubeconfigPath,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const waiters: Array<() => void> = [];
    child.stdout!.setEncoding('utf8').on('data', c => {
      out += c;
      waiters.splice(0).forEach(w => w());
    });
    child.stderr!.setEncoding('utf8').on('data', c => {
      err += c;
    });
    const exit = new Promise<{ code: number | null; stderr: string }>(r =>
      child.on('close', code => r({ code, stderr: err })),
    );
    const waitFor = (pred: (o: string) => boolean, ms = 10_000) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`timed out; stdout:\n${out}\nstderr:\n${err}`)),
          ms,
        );
        const check = () => {
          if (pred(out)) {
            clearTimeout(timer);
            resolve(out);
          } else waiters.push(check);
        };
        check();
      });
    return { child, out: () => out, waitFor, exit };
  };
  /** Runs kubectl to completion; fails the test on a non-zero exit. */
  const run = async (...args: string[]) => {
    const p = start(args);
    const { code, stderr } = await p.exit;
    if (code !== 0)
      throw new Error(`kubectl ${args.join(' ')} exited ${code}: ${stderr}`);
    return p.out();
  };
  /** A printed table as rows of cells (kubectl pads columns with at least 3 spaces). */
  const table = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .map(l => l.trim().split(/\s{2,}/));
  const velero = () => fleet.internals.velero[1];
  const api = (method: string, p: string, body?: unknown) =>
    request(`${kube.url}/apis/velero.io/v1/namespaces/velero/${p}`, {
      method,
      body,
      headers: { authorization: `Bearer ${kube.token}` },
      ca: fleet.tls!.caCert,
    });

  beforeAll(async () => {
    fleet = await startKubeTestFleet({ tls: true });
    kube = fleet.kube[1];
    home = await tempDir('kubectl-home-');
  });
  afterAll(async () => {
    await stopAndClean(fleet);
    await fs.promises.rm(home, { recursive: true, force: true });
  });

  it('uses the kubeconfig the fleet wrote, with its CA and no insecure flag', () => {
    const cfg = fs.readFileSync(kube.kubeconfigPath, 'utf8');
    expect(kube.url).toMatch(/^https:/);
    expect(cfg).toContain('certificate-authority-data');
    expect(cfg).not.toContain('insecure-skip-tls-verify');
  });

  it('get backups.velero.io -n velero: the server-side table (Name, Age)', async () => {
    const rows = table(await run('get', 'backups.velero.io', '-n', 'velero'));
    const names = [...velero().store.backups.keys()].sort();
    expect(rows[0]).toEqual(['NAME', 'AGE']);
    expect(rows.slice(1).map(r => r[0])).toEqual(names);
    const age = Object.fromEntries(rows.slice(1).map(r => [r[0], r[1]]));
    // Ages are the server's, on the simulated clock (10:00); backups run daily at 02:00.
    expect(age['payments-api-prod-daily-20261123020000']).toBe('8h');
    expect(age['payments-api-prod-daily-20261122020000']).toBe('32h');
    expect(age['payments-api-prod-daily-20261117020000']).toBe('6d8h');
  });

  it("get schedules and bsl: the CRDs' additionalPrinterColumns", async () => {
    const schedules = table(await run('get', 'schedules'));
    expect(schedules[0]).toEqual([
      'NAME',
      'STATUS',
      'SCHEDULE',
      'LASTBACKUP',
      'AGE',
      'PAUSED',
    ]);
    expect(schedules).toContainEqual([
      'payments-api-prod-daily',
      'Enabled',
      '0 2 * * *',
      '8h',
      '8d',
      'false',
    ]);
    expect(schedules).toHaveLength(velero().store.schedules.size + 1);
    // The short name from discovery, a boolean column, and -o wide (no priority>0 columns here).
    expect(table(await run('get', 'bsl', '-o', 'wide'))).toEqual([
      ['NAME', 'PHASE', 'LAST VALIDATED', 'AGE', 'DEFAULT'],
      ['default', 'Available', '0s', '30d', 'true'],
    ]);
  });

  it('get schedules -o json: the objects as the API serves them', async () => {
    const list = JSON.parse(await run('get', 'schedules', '-o', 'json'));
    expect(list.kind).toBe('List');
    const byName = [...velero().store.schedules.values()].sort((a, b) =>
      a.metadata.name < b.metadata.name ? -1 : 1,
    );
    expect(list.items).toEqual(JSON.parse(JSON.stringify(byName)));
    expect(list.items[0]).toMatchObject({
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
    });
  });

  it('get backup <name>, a missing one, and -A (the namespace from the row metadata)', async () => {
    expect(
      table(
        await run('get', 'backup', 'payments-api-prod-daily-20261123020000'),
      ),
    ).toEqual([
      ['NAME', 'AGE'],
      ['payments-api-prod-daily-20261123020000', '8h'],
    ]);
    const missing = start(['get', 'backup', 'nope']);
    const { code, stderr } = await missing.exit;
    expect(code).toBe(1);
    expect(stderr).toContain(
      'Error from server (NotFound): backups.velero.io "nope" not found',
    );
    const all = table(await run('get', 'restores', '-A'));
    expect(all[0]).toEqual(['NAMESPACE', 'NAME', 'AGE']);
    expect(all.slice(1).every(r => r[0] === 'velero')).toBe(true);
  });

  it('api-resources: discovery of the core group and velero.io', async () => {
    const rows = table(await run('api-resources'));
    expect(rows[0]).toEqual([
      'NAME',
      'SHORTNAMES',
      'APIVERSION',
      'NAMESPACED',
      'KIND',
    ]);
    expect(rows).toContainEqual([
      'backupstoragelocations',
      'bsl',
      'velero.io/v1',
      'true',
      'BackupStorageLocation',
    ]);
    expect(rows).toContainEqual(['backups', 'velero.io/v1', 'true', 'Backup']);
    expect(rows).toContainEqual([
      'namespaces',
      'ns',
      'v1',
      'false',
      'Namespace',
    ]);
  });

  it('get backups --watch --output-watch-events: a created backup, its changes, its deletion', async () => {
    const w = start(['get', 'backups', '--watch', '--output-watch-events']);
    const initial = velero().store.backups.size;
    await w.waitFor(o => o.trim().split('\n').length === initial + 1);
    expect(table(w.out())[0]).toEqual(['EVENT', 'NAME', 'AGE']);
    expect(
      (await api('POST', 'backups', { metadata: { name: 'kubectl-1' } }))
        .status,
    ).toBe(201);
    await w.waitFor(o => (o.match(/kubectl-1/g) ?? []).length === 2);
    // New, then InProgress; the rest runs on the simulated clock.
    await fleet.clock.advance(6 * 60_000);
    await w.waitFor(o => (o.match(/kubectl-1/g) ?? []).length === 3);
    expect((await api('DELETE', 'backups/kubectl-1')).status).toBe(200);
    await w.waitFor(o => (o.match(/kubectl-1/g) ?? []).length === 4);
    w.child.kill();
    await w.exit;
    const events = table(w.out()).filter(r => r[1] === 'kubectl-1');
    expect(events.map(r => r[0])).toEqual([
      'ADDED',
      'MODIFIED',
      'MODIFIED',
      'DELETED',
    ]);
    expect(events[0][2]).toBe('0s');
    // Completed 3-5 minutes after it started, aged at that moment; deleted at 10:06.
    expect(events[2][2]).toMatch(/^[345]m(\d+s)?$/);
    expect(events[3][2]).toBe('6m');
    // The rows before the new ones are the list, as ADDED, with no header repeated.
    expect(table(w.out()).filter(r => r[0] === 'EVENT')).toHaveLength(1);
  });

  it('get backups --watch: the list, then a line per change of a new backup', async () => {
    const w = start(['get', 'backups', '--watch']);
    const initial = velero().store.backups.size;
    await w.waitFor(o => o.trim().split('\n').length === initial + 1);
    await api('POST', 'backups', { metadata: { name: 'kubectl-3' } });
    await w.waitFor(o => (o.match(/kubectl-3/g) ?? []).length === 2);
    w.child.kill();
    await w.exit;
    const rows = table(w.out());
    expect(rows[0]).toEqual(['NAME', 'AGE']);
    expect(rows.slice(-2)).toEqual([
      ['kubectl-3', '0s'],
      ['kubectl-3', '0s'],
    ]);
    expect(rows).toHaveLength(initial + 3);
  });

  it('get backups --watch -o json: the objects, one JSON document each', async () => {
    const w = start(['get', 'backups', '--watch', '-o', 'json']);
    // kubectl indents each object; one ends at a `}` in column 0 (a partial last one is skipped).
    const docs = () => {
      const out: any[] = [];
      let cur: string[] = [];
      for (const l of w.out().split('\n')) {
        cur.push(l);
        if (l === '}') {
          out.push(JSON.parse(cur.join('\n')));
          cur = [];
        }
      }
      return out;
    };
    const initial = velero().store.backups.size;
    await w.waitFor(() => docs().length === initial);
    await api('POST', 'backups', { metadata: { name: 'kubectl-2' } });
    await w.waitFor(() => docs().length === initial + 2);
    w.child.kill();
    await w.exit;
    const mine = docs().filter(d => d.metadata.name === 'kubectl-2');
    expect(mine.map(d => [d.kind, d.status.phase])).toEqual([
      ['Backup', 'New'],
      ['Backup', 'InProgress'],
    ]);
    expect(Number(mine[1].metadata.resourceVersion)).toBeGreaterThan(
      Number(mine[0].metadata.resourceVersion),
    );
  });
});
