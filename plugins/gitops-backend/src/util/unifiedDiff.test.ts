import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../promotion/__testUtils__/promotionTestUtils';
import { unifiedDiff } from './unifiedDiff';

const exec = promisify(execFile);

/** `git diff --no-index` of the two texts, from the `---` line on. */
async function gitDiff(dir: string, before: string, after: string) {
  await fs.mkdir(path.join(dir, 'a'), { recursive: true });
  await fs.mkdir(path.join(dir, 'b'), { recursive: true });
  await fs.writeFile(path.join(dir, 'a/f.yaml'), before);
  await fs.writeFile(path.join(dir, 'b/f.yaml'), after);
  const out = await exec(
    'git',
    ['diff', '--no-index', '--no-color', '--no-prefix', 'a/f.yaml', 'b/f.yaml'],
    { cwd: dir },
  ).then(
    r => r.stdout,
    (e: { stdout: string }) => e.stdout,
  );
  return out.slice(out.indexOf('---'));
}

const lines = (n: number, prefix = 'line') =>
  Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

describe('unifiedDiff', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('diff');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const base = `${[
    'apiVersion: v1',
    'images:',
    '  - name: x',
    '    newTag: 1.0.0 # keep',
    ...lines(12).map(l => `  ${l}`),
    'registry:',
    '  version: 1.0.0',
    '  deployed_by: a',
    ...lines(3).map(l => `  tail ${l}`),
  ].join('\n')}\n`;

  const cases: Array<[string, string, string]> = [
    ['one line', base, base.replace('newTag: 1.0.0', 'newTag: 1.1.0')],
    [
      'two hunks',
      base,
      base
        .replace('newTag: 1.0.0', 'newTag: 1.1.0')
        .replace('version: 1.0.0', 'version: 1.1.0')
        .replace('deployed_by: a', 'deployed_by: b'),
    ],
    ['insert at end', base, `${base}extra: true\n`],
    ['delete at start', base, base.slice(base.indexOf('\n') + 1)],
    ['no newline at the end', base, base.trimEnd()],
    ['from empty', '', 'a: 1\n'],
    ['first and last line', 'a\nb\nc\n', 'x\nb\ny\n'],
  ];

  it.each(cases)('matches git diff: %s', async (_name, before, after) => {
    expect(unifiedDiff('f.yaml', before, after)).toBe(
      await gitDiff(dir, before, after),
    );
  });

  it('is empty for equal texts', () => {
    expect(unifiedDiff('f.yaml', base, base)).toBe('');
  });
});
