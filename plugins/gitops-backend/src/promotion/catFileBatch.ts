import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

type Pending = {
  resolve: (
    value: { oid: string; type: string; content: Buffer } | null,
  ) => void;
  reject: (error: Error) => void;
};

/**
 * One long-running `git cat-file --batch` answering object and ref lookups (`<rev>` or
 * `<rev>:<path>`) in order, so reads do not cost a process each. Restarted after a failure.
 */
export class CatFileBatch {
  private child?: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private readonly queue: Pending[] = [];

  constructor(
    private readonly gitDir: string,
    private readonly gitBinary = 'git',
  ) {}

  private start() {
    const child = spawn(
      this.gitBinary,
      ['--git-dir', this.gitDir, 'cat-file', '--batch'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      },
    );
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    child.stderr.on('data', () => undefined);
    // A helper: it must not keep the process alive.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      (stream as unknown as { unref?: () => void }).unref?.();
    }
    child.stdin.on('error', () => undefined);
    const fail = (error: Error) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.buffer = Buffer.alloc(0);
      for (const p of this.queue.splice(0)) p.reject(error);
    };
    child.on('error', e =>
      fail(new Error(`git cat-file failed: ${e.message}`)),
    );
    child.on('close', () => fail(new Error('git cat-file exited')));
    this.child = child;
    return child;
  }

  private drain() {
    while (this.queue.length) {
      const newline = this.buffer.indexOf(10);
      if (newline === -1) return;
      const header = this.buffer.subarray(0, newline).toString('utf8');
      if (/ (missing|ambiguous)$/.test(header)) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.queue.shift()!.resolve(null);
        continue;
      }
      const [oid, type, sizeText] = header.split(' ');
      const size = Number(sizeText);
      if (!oid || !type || !Number.isFinite(size)) {
        this.child?.kill();
        return;
      }
      if (this.buffer.length < newline + 1 + size + 1) return;
      const content = this.buffer.subarray(newline + 1, newline + 1 + size);
      this.buffer = this.buffer.subarray(newline + 1 + size + 1);
      this.queue.shift()!.resolve({ oid, type, content: Buffer.from(content) });
    }
  }

  /** The object named by `rev` (e.g. `refs/remotes/origin/main`, `<sha>:path`), or null. */
  read(
    rev: string,
  ): Promise<{ oid: string; type: string; content: Buffer } | null> {
    if (/[\n\r]/.test(rev)) {
      return Promise.reject(new Error('invalid revision'));
    }
    const child = this.child ?? this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      child.stdin.write(`${rev}\n`);
    });
  }

  close() {
    const child = this.child;
    this.child = undefined;
    child?.stdin.end();
    child?.kill();
  }
}
