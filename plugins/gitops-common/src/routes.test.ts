import { gitopsEntityPath } from './routes';

describe('gitopsEntityPath', () => {
  it('lower-cases and encodes each part of the ref', () => {
    expect(
      gitopsEntityPath({
        kind: 'Component',
        namespace: 'Default',
        name: 'a b/c',
      }),
    ).toBe('/entities/component/default/a%20b%2Fc');
  });
});
