import {
  JsonStreamError,
  JsonStreamParser,
  parseJsonStream,
} from './jsonStream';

/** Feeds `text` in pieces of `size` characters. */
function parse(text: string, pattern: string[], size: number) {
  const items: Array<{ path: string[]; value: unknown }> = [];
  const parser = new JsonStreamParser(pattern, item => items.push(item));
  for (let i = 0; i < text.length; i += size) {
    parser.write(text.slice(i, i + size));
  }
  return { items, ...parser.end() };
}

const list = {
  items: [
    { metadata: { name: 'a', labels: { 'x/y': 'q"uo\\te}' } }, n: [1, 2.5e3] },
    { metadata: { name: 'b' }, empty: {}, arr: [[], [{}]], t: true, f: null },
    { metadata: { name: 'ü→€' } },
  ],
  metadata: { resourceVersion: '12345' },
  code: 200,
};

describe('JsonStreamParser', () => {
  it.each([1, 2, 3, 7, 64, 100_000])(
    'streams each item and parses the rest, whatever the chunk size (%i)',
    size => {
      const text = JSON.stringify(list, null, size % 2 ? 0 : 2);
      const result = parse(text, ['items', '*'], size);
      expect(result.items.map(i => i.value)).toEqual(list.items);
      expect(result.items.map(i => i.path)).toEqual([
        ['items', '0'],
        ['items', '1'],
        ['items', '2'],
      ]);
      expect(result.rest).toEqual({
        metadata: { resourceVersion: '12345' },
        code: 200,
      });
      expect(result.count).toBe(3);
    },
  );

  it('reads the keys of a nested set (a cost answer) with their values', () => {
    const answer = {
      code: 200,
      data: [{ 'ns/a': { totalCost: 1 }, 'ns/b': { totalCost: 2 } }, {}],
    };
    const result = parse(JSON.stringify(answer), ['data', '*', '*'], 5);
    expect(result.items).toEqual([
      { path: ['data', '0', 'ns/a'], value: { totalCost: 1 } },
      { path: ['data', '0', 'ns/b'], value: { totalCost: 2 } },
    ]);
    expect(result.rest).toEqual({ code: 200 });
  });

  it("takes `items: null` (Argo CD's empty list) as a plain value", () => {
    const result = parse('{"metadata":{},"items":null}', ['items', '*'], 4);
    expect(result.items).toEqual([]);
    expect(result.rest).toEqual({ metadata: {}, items: null });
  });

  it.each([
    ['{"items":[{"a":1},{"a":}]}', 'malformed value at items.1'],
    ['{"items":[{"a":1}', 'unexpected end of JSON'],
    ['[1,2]', 'expected a JSON object'],
    ['{"a":1}}', 'unexpected data after the end'],
  ])('refuses malformed input %s', (text, message) => {
    expect(() => parse(text, ['items', '*'], 3)).toThrow(JsonStreamError);
    expect(() => parse(text, ['items', '*'], 3)).toThrow(message);
  });
});

describe('parseJsonStream', () => {
  it('decodes bytes split inside multi-byte characters and hands items out in order', async () => {
    const bytes = Buffer.from(JSON.stringify(list));
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 3) {
        yield new Uint8Array(bytes.subarray(i, i + 3));
      }
    }
    const names: string[] = [];
    const result = await parseJsonStream(chunks(), ['items', '*'], item => {
      names.push((item.value as any).metadata.name);
    });
    expect(names).toEqual(['a', 'b', 'ü→€']);
    expect(result.rest.metadata).toEqual({ resourceVersion: '12345' });
  });

  it('lets timers run while it parses a long list', async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({
      metadata: { name: `app-${i}`, labels: { app: `svc-${i}` } },
      spec: { destination: { namespace: `ns-${i}` } },
    }));
    const bytes = Buffer.from(JSON.stringify({ items }));
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 1 << 20) {
        yield new Uint8Array(bytes.subarray(i, i + (1 << 20)));
      }
    }
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let count = 0;
    await parseJsonStream(
      chunks(),
      ['items', '*'],
      () => {
        count++;
      },
      { sliceMs: 2 },
    );
    clearInterval(timer);
    expect(count).toBe(20_000);
    // Between slices the timer got its turns.
    expect(ticks).toBeGreaterThan(0);
  });
});
