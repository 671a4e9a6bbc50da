import { EstateStore } from './estateStore';
import { mockGitopsApi } from '../__testUtils__/renderWithGitops';
import { teamPaymentsEstate } from '../__testUtils__/estateFixtures';
import type { EntityEstate } from '@internal/backstage-plugin-gitops-common';

const group = { kind: 'Group', namespace: 'default', name: 'team-payments' };

/** A getEstate whose answers the test releases one by one. */
function controlledApi() {
  const api = mockGitopsApi();
  const pending: Array<(estate: EntityEstate) => void> = [];
  api.getEstate.mockImplementation(
    () => new Promise(resolve => pending.push(resolve)),
  );
  return { api, pending };
}

const flush = () => new Promise(resolve => setTimeout(resolve, 0));

describe('EstateStore', () => {
  it('makes one request for the cards that load together', async () => {
    const { api, pending } = controlledApi();
    const store = new EstateStore(api);
    const key = EstateStore.key(group, '30d');
    const loads = [1, 2, 3].map(() => store.load(key, group, '30d'));
    expect(api.getEstate).toHaveBeenCalledTimes(1);
    expect(store.getState(key).loading).toBe(true);
    pending[0](teamPaymentsEstate());
    await Promise.all(loads);
    expect(store.getState(key)).toMatchObject({
      loading: false,
      value: { entityRef: 'group:default/team-payments' },
    });
  });

  it('meets the refreshes of one signal in one read', async () => {
    const { api, pending } = controlledApi();
    const store = new EstateStore(api);
    const key = EstateStore.key(group, '30d');
    store.refresh(key, group, '30d');
    store.refresh(key, group, '30d');
    store.refresh(key, group, '30d');
    await flush();
    expect(api.getEstate).toHaveBeenCalledTimes(1);
    pending[0](teamPaymentsEstate());
    await flush();
    expect(api.getEstate).toHaveBeenCalledTimes(1);
  });

  it('reads once more after a read a signal arrived during', async () => {
    const { api, pending } = controlledApi();
    const store = new EstateStore(api);
    const key = EstateStore.key(group, '30d');
    store.load(key, group, '30d');
    store.refresh(key, group, '30d');
    await flush();
    expect(api.getEstate).toHaveBeenCalledTimes(1);
    pending[0](teamPaymentsEstate({ services: [] }));
    await flush();
    // The first answer may predate the change: a second read follows.
    expect(api.getEstate).toHaveBeenCalledTimes(2);
    pending[1](teamPaymentsEstate());
    await flush();
    expect(store.getState(key).value?.services).toHaveLength(3);
  });

  it('keeps the last estate when a reload fails', async () => {
    const api = mockGitopsApi();
    const store = new EstateStore(api);
    const key = EstateStore.key(group, '7d');
    await store.load(key, group, '7d');
    expect(api.getEstate).toHaveBeenCalledWith(group, { window: '7d' });
    api.getEstate.mockRejectedValueOnce(new Error('HTTP 503'));
    await store.load(key, group, '7d');
    expect(store.getState(key)).toMatchObject({
      loading: false,
      error: { message: 'HTTP 503' },
      value: { entityRef: 'group:default/team-payments' },
    });
  });
});
