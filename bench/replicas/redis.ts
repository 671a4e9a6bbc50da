/**
 * The bench's Redis db through `redis-cli` (Debian's redis-tools, installed with the server):
 * flush it at the start, and at the end what the replicas keep there: every key's size, so the
 * report can show that no value holds a whole instance (the fleet's state is in each replica's
 * memory, fed by its own informers; Redis has only what never or rarely changes).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REDIS_DB, REDIS_PORT } from './settings';

const exec = promisify(execFile);

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await exec(
    'redis-cli',
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(REDIS_PORT),
      '-n',
      String(REDIS_DB),
      ...args,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

export async function flushBenchDb() {
  await cli('FLUSHDB');
}

/**
 * Backstage's cache keys are `<namespace>:<base64 of the plugin's key>` (Keyv); the plugin's
 * key is decoded when it is one, so the report reads `gitops:revision-metadata:...`.
 */
function readableKey(raw: string) {
  const m = /^([^:]+):(.+)$/.exec(raw);
  if (!m) return raw;
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(decoded) ? `${m[1]}:${decoded}` : raw;
}

/** What kind of value a key is: its readable key up to the first id-like part. */
const kindOf = (key: string) =>
  key
    .split(':')
    .slice(0, 3)
    .map(p => (/\d|^[A-Za-z0-9+/=_-]{24,}$/.test(p) ? '…' : p))
    .join(':');

export interface RedisContents {
  keys: number;
  totalBytes: number;
  byKind: Record<string, { keys: number; bytes: number; largest: number }>;
  largest: Array<{ key: string; bytes: number }>;
}

export async function redisContents(): Promise<RedisContents> {
  const keys = (await cli('--scan')).split('\n').filter(Boolean);
  const sized: Array<{ key: string; bytes: number }> = [];
  for (const key of keys) {
    const bytes = Number((await cli('STRLEN', key)).trim()) || 0;
    sized.push({ key: readableKey(key), bytes });
  }
  const byKind: RedisContents['byKind'] = {};
  for (const { key, bytes } of sized) {
    const k = (byKind[kindOf(key)] ??= { keys: 0, bytes: 0, largest: 0 });
    k.keys++;
    k.bytes += bytes;
    k.largest = Math.max(k.largest, bytes);
  }
  return {
    keys: keys.length,
    totalBytes: sized.reduce((a, s) => a + s.bytes, 0),
    byKind,
    largest: sized.sort((a, b) => b.bytes - a.bytes).slice(0, 5),
  };
}
