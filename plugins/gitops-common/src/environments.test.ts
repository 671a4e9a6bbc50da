import { nextEnvironment, sortEnvironments } from './environments';

describe('sortEnvironments', () => {
  it('orders by promotion order and puts unknown environments last', () => {
    expect(sortEnvironments(['prod', 'qa', 'dev', 'staging', 'dev'])).toEqual([
      'dev',
      'staging',
      'prod',
      'qa',
    ]);
  });

  it('follows a configured order', () => {
    expect(sortEnvironments(['a', 'c', 'b'], ['c', 'b', 'a'])).toEqual([
      'c',
      'b',
      'a',
    ]);
  });
});

describe('nextEnvironment', () => {
  it('walks dev → staging → prod and stops at the end', () => {
    expect(nextEnvironment('dev')).toBe('staging');
    expect(nextEnvironment('staging')).toBe('prod');
    expect(nextEnvironment('prod')).toBeUndefined();
    expect(nextEnvironment('unknown')).toBeUndefined();
  });
});
