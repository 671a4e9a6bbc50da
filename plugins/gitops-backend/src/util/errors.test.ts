import { safeUrl, sanitize } from './errors';
import { Singleflight } from './singleflight';

describe('sanitize', () => {
  it('removes known secrets and anything credential-like', () => {
    const text = [
      'password=SECRET-PASSWORD-123',
      'Authorization: Bearer abc.def.ghi',
      'http://admin:hunter2@host/x',
      '{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig"}',
      'custom SECRET-TOKEN-456 here',
    ].join(' ');
    const out = sanitize(text, ['SECRET-TOKEN-456']);
    expect(out).not.toContain('SECRET-PASSWORD-123');
    expect(out).not.toContain('abc.def.ghi');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(out).not.toContain('SECRET-TOKEN-456');
  });

  it('keeps only origin and path of URLs', () => {
    expect(safeUrl('http://u:p@host:8080/api/v1/x?token=abc')).toBe(
      'http://host:8080/api/v1/x',
    );
  });
});

describe('Singleflight', () => {
  it('shares one call between concurrent callers and forgets it afterwards', async () => {
    const flights = new Singleflight();
    let calls = 0;
    const fn = async () => {
      calls++;
      await new Promise(r => setTimeout(r, 10));
      return calls;
    };
    const results = await Promise.all([
      flights.do('k', fn),
      flights.do('k', fn),
      flights.do('k', fn),
    ]);
    expect(results).toEqual([1, 1, 1]);
    expect(await flights.do('k', fn)).toBe(2);
  });

  it('shares failures too', async () => {
    const flights = new Singleflight();
    let calls = 0;
    const fn = async () => {
      calls++;
      throw new Error('boom');
    };
    await expect(
      Promise.all([flights.do('k', fn), flights.do('k', fn)]),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });
});
