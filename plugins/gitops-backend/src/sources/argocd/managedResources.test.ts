import { toManagedResource } from './managedResources';

const item = (states: Record<string, string | undefined>) => ({
  group: 'apps',
  kind: 'Deployment',
  namespace: 'payments-api-prod',
  name: 'payments-api',
  ...states,
});

describe('toManagedResource', () => {
  it("compares Argo CD's normalized states first, as its own diff view does", () => {
    const r = toManagedResource(
      item({
        targetState: '{"spec":{"replicas":3}}',
        liveState: '{"spec":{"replicas":5},"status":{}}',
        normalizedLiveState: '{"spec":{"replicas":5}}',
        predictedLiveState: '{"spec":{"replicas":3}}',
      }),
    );
    expect(r).toEqual({
      group: 'apps',
      kind: 'Deployment',
      namespace: 'payments-api-prod',
      name: 'payments-api',
      desired: { spec: { replicas: 3 } },
      live: { spec: { replicas: 5 } },
    });
  });

  it('reads "null" and an absent state as no object (not live yet, or not in git)', () => {
    const r = toManagedResource(
      item({ targetState: '{"kind":"Deployment"}', liveState: 'null' }),
    );
    expect(r.live).toBeNull();
    expect(r.desired).toEqual({ kind: 'Deployment' });
  });

  it('names the resource and the field of a live state that is not valid JSON', () => {
    expect(() =>
      toManagedResource(
        item({ targetState: '{}', normalizedLiveState: '{"spec": {' }),
      ),
    ).toThrow(
      'Argo CD answered a normalizedLiveState of Deployment payments-api that is not valid JSON',
    );
  });
});
