import { ConfigReader } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import fs from 'node:fs/promises';
import path from 'node:path';
import { capturingLogger } from '../__testUtils__/fleetBackend';
import { startGitHttpServer } from './__testUtils__/gitHttpServer';
import { git, pushEdit, tempDir } from './__testUtils__/promotionTestUtils';
import { CliGitRepository } from './CliGitRepository';
import { gitAuthFromIntegrations } from './gitAuth';

jest.setTimeout(60_000);

const TOKEN = 'ghp_SECRETtoken0123456789abcdef';
const basic = (credentials: string) =>
  `Basic ${Buffer.from(credentials).toString('base64')}`;
const author = { name: 'Alice', email: 'alice@example.com' };

function authFor(url: string, integrations: object) {
  const registry = ScmIntegrations.fromConfig(
    new ConfigReader({ integrations }),
  );
  return gitAuthFromIntegrations({
    url,
    integrations: registry,
    githubCredentials:
      DefaultGithubCredentialsProvider.fromIntegrations(registry),
  });
}

describe('gitAuthFromIntegrations', () => {
  it('gives git the credentials of the integration of the remote host, as the scaffolder does', async () => {
    const headers = (url: string, integrations: object) =>
      authFor(url, integrations)?.headers?.();
    await expect(
      headers('https://github.com/acme/gitops.git', {
        github: [{ host: 'github.com', token: TOKEN }],
      }),
    ).resolves.toEqual({ Authorization: basic(`x-access-token:${TOKEN}`) });
    await expect(
      headers('https://gitlab.example.com/acme/gitops.git', {
        gitlab: [
          {
            host: 'gitlab.example.com',
            apiBaseUrl: 'https://gitlab.example.com/api/v4',
            token: 'glpat-1',
          },
        ],
      }),
    ).resolves.toEqual({ Authorization: basic('oauth2:glpat-1') });
    await expect(
      headers('https://bitbucket.example.com/scm/acme/gitops.git', {
        bitbucketServer: [
          {
            host: 'bitbucket.example.com',
            apiBaseUrl: 'https://bitbucket.example.com/rest/api/1.0',
            token: 'bbs-1',
          },
        ],
      }),
    ).resolves.toEqual({ Authorization: 'Bearer bbs-1' });
    await expect(
      headers('https://bitbucket.org/acme/gitops.git', {
        bitbucketCloud: [{ username: 'ci', appPassword: 'app-1' }],
      }),
    ).resolves.toEqual({ Authorization: basic('ci:app-1') });
    await expect(
      headers('https://gitea.example.com/acme/gitops.git', {
        gitea: [
          { host: 'gitea.example.com', username: 'ci', password: 'pw-1' },
        ],
      }),
    ).resolves.toEqual({ Authorization: basic('ci:pw-1') });
  });

  it("leaves ssh, file:// and hosts without credentials to git's own setup", () => {
    const github = { github: [{ host: 'github.com', token: TOKEN }] };
    expect(authFor('git@github.com:acme/gitops.git', github)).toBeUndefined();
    expect(authFor('file:///srv/gitops.git', github)).toBeUndefined();
    expect(
      authFor('https://git.example.com/acme/gitops.git', github),
    ).toBeUndefined();
    // The github.com integration Backstage always has, without a token.
    expect(authFor('https://github.com/acme/gitops.git', {})).toBeUndefined();
  });

  describe('over smart HTTP', () => {
    let dir: string;
    let server: Awaited<ReturnType<typeof startGitHttpServer>>;
    let url: string;
    let integrations: object;

    beforeAll(async () => {
      dir = await tempDir('http');
      const root = path.join(dir, 'hosted');
      const bare = path.join(root, 'acme', 'gitops.git');
      await fs.mkdir(path.dirname(bare), { recursive: true });
      await git(
        dir,
        'init',
        '--quiet',
        '--bare',
        '--initial-branch=main',
        bare,
      );
      await pushEdit(`file://${bare}`, 'seed', async work => {
        await fs.writeFile(path.join(work, 'version.txt'), '1.3.0\n');
      });
      server = await startGitHttpServer({
        root,
        authorization: basic(`x-access-token:${TOKEN}`),
      });
      url = server.url('acme/gitops.git');
      integrations = {
        github: [
          {
            host: server.host,
            apiBaseUrl: `http://${server.host}/api/v3`,
            token: TOKEN,
          },
        ],
      };
    });
    afterAll(async () => {
      await server.close();
      await fs.rm(dir, { recursive: true, force: true });
    });

    const repoWith = (name: string, logs: string[], auth = true) =>
      new CliGitRepository({
        url,
        workDir: path.join(dir, name),
        auth: auth ? authFor(url, integrations) : undefined,
        logger: capturingLogger(logs),
      });

    it('fetches and pushes with the token in the http header', async () => {
      const logs: string[] = [];
      const repo = repoWith('ok', logs);
      const result = await repo.commit({
        author,
        change: async tree => ({
          files: {
            'version.txt': `${(await tree.readFile(
              'version.txt',
            ))!.trim()}+1\n`,
          },
          message: 'bump',
        }),
      });
      repo.close();
      expect(result?.attempts).toBe(1);
      expect(server.seen.length).toBeGreaterThan(2);
      expect(new Set(server.seen)).toEqual(
        new Set([basic(`x-access-token:${TOKEN}`)]),
      );

      const anonymous = repoWith('anonymous', logs, false);
      await expect(anonymous.tip()).rejects.toThrow(/^git fetch failed: /);
      anonymous.close();
      expect(logs.join('\n')).not.toContain(TOKEN);
    });

    it('keeps the token out of the error of a failing push, even when the server echoes it', async () => {
      const logs: string[] = [];
      const repo = repoWith('rejected', logs);
      server.state.rejectPushes = true;
      try {
        const error = await repo
          .commit({
            author,
            change: async () => ({
              files: { 'version.txt': '9.9.9\n' },
              message: 'denied',
            }),
          })
          .catch(e => e);
        expect(error.message).toMatch(
          /^git push failed: fatal: remote error: push denied for \*\*\*/,
        );
        const shown = `${error.message}\n${error.stack}\n${logs.join('\n')}`;
        expect(shown).not.toContain(TOKEN);
        expect(shown).not.toContain(
          Buffer.from(`x-access-token:${TOKEN}`).toString('base64'),
        );
      } finally {
        server.state.rejectPushes = false;
        repo.close();
      }
    });
  });
});
