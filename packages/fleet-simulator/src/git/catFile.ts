import { ChildProcess, spawn } from 'node:child_process';

type Pending = {
  resolve: (b: Buffer | null) => void;
  reject: (e: Error) => void;
};

/**
 * One long-lived `git cat-file --batch` per repository: reading the ~30 files a poll needs
 * costs one pipe round trip each instead of one process spawn each.
 */
export class CatFileBatch {
  private proc?: ChildProcess;
  private buf = Buffer.alloc(0);
  private queue: Pending[] = [];

  constructor(private readonly cwd: string) {}

  /** Contents of `<rev>:<path>` (or any object spec), or null when it does not exist. */
  read(spec: string): Promise<Buffer | null> {
    if (/[\n]/.test(spec)) return Promise.resolve(null);
    const proc = this.ensure();
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      proc.stdin!.write(`${spec}\n`);
    });
  }

  close() {
    const p = this.proc;
    this.proc = undefined;
    if (p) {
      p.stdin?.end();
      p.kill();
    }
    this.fail(new Error('git cat-file closed'));
  }

  private ensure(): ChildProcess {
    if (this.proc) return this.proc;
    const p = spawn('git', ['cat-file', '--batch'], {
      cwd: this.cwd,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    p.stdout!.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.drain();
    });
    p.on('exit', () => {
      if (this.proc === p) this.proc = undefined;
      this.fail(new Error('git cat-file exited'));
    });
    p.on('error', e => this.fail(e));
    this.proc = p;
    return p;
  }

  private drain() {
    while (this.queue.length) {
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const header = this.buf.subarray(0, nl).toString();
      const parts = header.split(' ');
      if (parts.length !== 3) {
        // `<spec> missing` / `<spec> ambiguous`
        this.buf = this.buf.subarray(nl + 1);
        this.queue.shift()!.resolve(null);
        continue;
      }
      const size = Number(parts[2]);
      if (this.buf.length < nl + 1 + size + 1) return;
      const content = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.queue.shift()!.resolve(parts[1] === 'blob' ? content : null);
    }
  }

  private fail(e: Error) {
    const q = this.queue;
    this.queue = [];
    q.forEach(p => p.reject(e));
  }
}
