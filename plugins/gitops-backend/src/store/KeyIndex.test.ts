import { KeyIndex } from './KeyIndex';

describe('KeyIndex', () => {
  it('answers the keys of a value through one key, many keys and back', () => {
    const index = new KeyIndex();
    expect([...index.get('team=payments')]).toEqual([]);
    index.add('team=payments', 'a');
    index.add('team=payments', 'a'); // again: still one
    expect([...index.get('team=payments')]).toEqual(['a']);
    index.add('team=payments', 'b');
    index.add('team=payments', 'c');
    expect([...index.get('team=payments')].sort()).toEqual(['a', 'b', 'c']);
    index.drop('team=payments', 'a');
    index.drop('team=payments', 'c');
    expect([...index.get('team=payments')]).toEqual(['b']);
    index.drop('team=payments', 'x'); // not there: nothing changes
    expect([...index.get('team=payments')]).toEqual(['b']);
    index.drop('team=payments', 'b');
    expect(index.get('team=payments').size).toBe(0);
    // A single key for one value never leaks into another.
    index.add('app=one', 'k1');
    index.add('app=two', 'k2');
    index.drop('app=one', 'k2');
    expect([...index.get('app=one')]).toEqual(['k1']);
  });
});
