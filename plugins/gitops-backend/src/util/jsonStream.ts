/**
 * Reads a big JSON answer as it arrives, handing out the values at one path one at a time (each
 * item of Argo CD's `items`, each allocation of a cost set) instead of parsing the whole answer in
 * one `JSON.parse` that would stall the event loop for seconds. Top-level values off that path
 * (`metadata`, `code`) are small and parsed whole.
 *
 * The path is a list of keys; `*` matches any key or array index, e.g. `['items', '*']` or
 * `['data', '*', '*']`.
 */
import { TimeSlice } from './eventLoop';

type Frame = {
  type: 'object' | 'array';
  /** The key (object) or index (array) of the value being read. */
  key: string;
  index: number;
  /** Object only: the next string is a key. */
  expectKey: boolean;
};

export type JsonStreamItem = { path: string[]; value: unknown };

export type JsonStreamResult = {
  /** Top-level values that are not on the streamed path. */
  rest: Record<string, unknown>;
  /** How many values were streamed. */
  count: number;
};

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const WAIT = -1;

export class JsonStreamError extends Error {}

/** Index of the quote that closes a string whose content starts at `from`, or -1. */
function closingQuote(buf: string, from: number): number {
  let q = buf.indexOf('"', from);
  while (q !== -1) {
    // Escaped when preceded by an odd number of backslashes.
    let k = q - 1;
    while (k >= 0 && buf.charCodeAt(k) === 0x5c) k--;
    if ((q - 1 - k) % 2 === 0) return q;
    q = buf.indexOf('"', q + 1);
  }
  return -1;
}

/**
 * A push parser: `write` the text as it comes, `end` at the end. Values at the path go to
 * `onItem`; `end` returns the rest. Malformed input throws JsonStreamError.
 */
export class JsonStreamParser {
  private buf = '';
  /** Where scanning resumes in `buf`. */
  private pos = 0;
  private readonly stack: Frame[] = [];
  /** The value being captured: from `start` in `buf` until depth falls back to `depth`. */
  private capture?: {
    start: number;
    depth: number;
    path: string[];
    streamed: boolean;
  };
  /** Depth inside the captured container (0: not in one). */
  private capDepth = 0;
  private inString = false;
  private started = false;
  private done = false;
  private readonly rest: Record<string, unknown> = {};
  private count = 0;
  /** Where the key string being read starts (after its quote), or -1. */
  private keyStart = -1;

  constructor(
    private readonly pattern: string[],
    private readonly onItem: (item: JsonStreamItem) => void,
  ) {}

  write(text: string): void {
    const keep =
      this.capture?.start ??
      (this.keyStart >= 0 ? this.keyStart - 1 : this.pos);
    this.buf = this.buf.slice(keep) + text;
    this.pos -= keep;
    if (this.capture) this.capture.start -= keep;
    if (this.keyStart >= 0) this.keyStart -= keep;
    this.scan();
  }

  end(): JsonStreamResult {
    this.scan();
    if (!this.done || this.buf.slice(this.pos).trim()) {
      throw new JsonStreamError(
        this.done ? 'unexpected data after the end' : 'unexpected end of JSON',
      );
    }
    return { rest: this.rest, count: this.count };
  }

  private pathOf(): string[] {
    return this.stack.map(f => f.key);
  }

  /** Whether a value at the current position would be on the pattern: `full`, a `prefix`, or off it. */
  private match(): 'full' | 'prefix' | 'off' {
    const depth = this.stack.length;
    if (depth > this.pattern.length) return 'off';
    for (let i = 0; i < depth; i++) {
      const p = this.pattern[i];
      if (p !== '*' && p !== this.stack[i].key) return 'off';
    }
    return depth === this.pattern.length ? 'full' : 'prefix';
  }

  private scan() {
    if (this.done) return;
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    while (i < n) {
      const c = buf.charCodeAt(i);
      if (this.inString) {
        const end = closingQuote(buf, i);
        if (end === -1) {
          i = n;
          continue;
        }
        i = end + 1;
        this.inString = false;
        if (this.capDepth === 0) this.afterString(i);
        continue;
      }
      if (WS.has(c)) {
        i++;
        continue;
      }
      if (this.capture && this.capDepth > 0) {
        i = this.skipCaptured(i);
        continue;
      }
      const next = this.token(c, i);
      if (next === WAIT || this.done) {
        // WAIT: a number or literal runs to the end of the text so far; read it with the next chunk.
        this.pos = next === WAIT ? i : next;
        return;
      }
      i = next;
    }
    this.pos = i;
  }

  /**
   * Runs through a captured container looking only at brackets and strings (the hot loop: most
   * of an answer is inside items). Returns where it stopped: the end of the text, or just after
   * the container closed.
   */
  private skipCaptured(from: number): number {
    const buf = this.buf;
    const n = buf.length;
    let depth = this.capDepth;
    let i = from;
    while (i < n) {
      const c = buf.charCodeAt(i++);
      if (c === 0x22) {
        const end = closingQuote(buf, i);
        if (end === -1) {
          // The string goes on in the next chunk.
          this.capDepth = depth;
          this.inString = true;
          return n;
        }
        i = end + 1;
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) {
          this.capDepth = 0;
          this.finishCapture(i);
          return i;
        }
      }
    }
    this.capDepth = depth;
    return n;
  }

  private token(c: number, i: number): number {
    const top = this.stack[this.stack.length - 1];
    if (!this.started) {
      if (c !== 0x7b) throw new JsonStreamError('expected a JSON object');
      this.started = true;
      this.stack.push({
        type: 'object',
        key: '',
        index: 0,
        expectKey: true,
      });
      return i + 1;
    }
    if (top.type === 'object' && top.expectKey) {
      if (c === 0x7d) return this.close(i);
      if (c === 0x2c) return i + 1;
      if (c !== 0x22) throw new JsonStreamError('expected a key');
      this.keyStart = i + 1;
      this.inString = true;
      return i + 1;
    }
    if (c === 0x3a) return i + 1; // ':' after a key
    if (c === 0x2c) {
      if (top.type === 'object') top.expectKey = true;
      else top.index++;
      return i + 1;
    }
    if (c === 0x7d || c === 0x5d) return this.close(i);
    // A value starts.
    if (top.type === 'array') top.key = String(top.index);
    const where = this.match();
    const container = c === 0x7b || c === 0x5b;
    if (where === 'prefix' && container) {
      this.stack.push({
        type: c === 0x7b ? 'object' : 'array',
        key: '',
        index: 0,
        expectKey: c === 0x7b,
      });
      return i + 1;
    }
    this.capture = {
      start: i,
      depth: this.stack.length,
      path: this.pathOf(),
      streamed: where === 'full',
    };
    if (container) {
      this.capDepth = 1;
      return i + 1;
    }
    if (c === 0x22) {
      this.inString = true;
      return i + 1;
    }
    // A number, true, false or null: ends before the next delimiter.
    let j = i;
    const buf = this.buf;
    while (j < buf.length) {
      const d = buf.charCodeAt(j);
      if (d === 0x2c || d === 0x7d || d === 0x5d || WS.has(d)) break;
      j++;
    }
    if (j === buf.length) {
      this.capture = undefined;
      return WAIT;
    }
    this.finishCapture(j);
    return j;
  }

  private afterString(end: number) {
    if (this.keyStart >= 0) {
      const top = this.stack[this.stack.length - 1];
      top.key = JSON.parse(this.buf.slice(this.keyStart - 1, end)) as string;
      top.expectKey = false;
      this.keyStart = -1;
      return;
    }
    if (this.capture) this.finishCapture(end);
  }

  private close(i: number): number {
    const frame = this.stack.pop();
    if (!frame) throw new JsonStreamError('unbalanced brackets');
    if (this.stack.length === 0) this.done = true;
    return i + 1;
  }

  private finishCapture(end: number) {
    const capture = this.capture!;
    this.capture = undefined;
    const text = this.buf.slice(capture.start, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new JsonStreamError(
        `malformed value at ${capture.path.join('.') || '(root)'}`,
      );
    }
    if (capture.streamed) {
      this.count++;
      this.onItem({ path: capture.path, value });
    } else if (capture.depth === 1) {
      this.rest[capture.path[0]] = value;
    }
  }
}

/**
 * Streams a response body through a JsonStreamParser, letting other work run every few
 * milliseconds (between chunks and between items), so a list of 10,000 applications never
 * holds the event loop for long.
 */
export async function parseJsonStream(
  body: AsyncIterable<Uint8Array>,
  pattern: string[],
  onItem: (item: JsonStreamItem) => void | Promise<void>,
  options: { sliceMs?: number } = {},
): Promise<JsonStreamResult> {
  const sliceMs = options.sliceMs ?? 8;
  const decoder = new TextDecoder();
  const slice = new TimeSlice(sliceMs);
  const pending: JsonStreamItem[] = [];
  const parser = new JsonStreamParser(pattern, item => pending.push(item));
  const drain = async () => {
    for (let k = 0; k < pending.length; k++) {
      await onItem(pending[k]);
      if (slice.spent) await slice.next();
    }
    pending.length = 0;
  };
  for await (const chunk of body) {
    parser.write(decoder.decode(chunk, { stream: true }));
    await drain();
    if (slice.spent) await slice.next();
  }
  parser.write(decoder.decode());
  const result = parser.end();
  await drain();
  return result;
}
