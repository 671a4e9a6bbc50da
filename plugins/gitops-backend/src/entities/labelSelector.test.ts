import {
  formatLabelSelector,
  matchesLabelSelector,
  parseLabelSelector,
} from './labelSelector';

const matches = (selector: string, labels: Record<string, string>) =>
  matchesLabelSelector(parseLabelSelector(selector), labels);

describe('label selectors', () => {
  const labels = { app: 'payments-api', environment: 'prod', tier: 'web' };

  it.each([
    ['app=payments-api', true],
    ['app==payments-api', true],
    ['app=chores-api', false],
    ['app!=chores-api', true],
    ['app!=payments-api', false],
    ['environment in (staging, prod)', true],
    ['environment in (dev)', false],
    ['environment notin (dev,staging)', true],
    ['environment notin (prod)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['missing!=x', true],
    ['app=payments-api,environment in (prod),!canary', true],
    ['app=payments-api,environment=dev', false],
    ['', true],
  ])('%s → %s', (selector, expected) => {
    expect(matches(selector, labels)).toBe(expected);
  });

  it('accepts prefixed keys', () => {
    expect(
      matches('app.kubernetes.io/name=payments-api', {
        'app.kubernetes.io/name': 'payments-api',
      }),
    ).toBe(true);
  });

  it.each(['app=(x', 'in (a)', 'app in ()', 'app=a b', '=x', 'a,,b'])(
    'rejects %s',
    selector => {
      expect(() => parseLabelSelector(selector)).toThrow();
    },
  );

  it('formats back to the canonical syntax', () => {
    expect(
      formatLabelSelector(
        parseLabelSelector('a=1, b!=2, c in (x,y), d notin (z), e, !f'),
      ),
    ).toBe('a=1,b!=2,c in (x,y),d!=z,e,!f');
  });
});
