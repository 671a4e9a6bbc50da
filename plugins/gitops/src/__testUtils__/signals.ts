import { act } from '@testing-library/react';
import type { SignalApi } from '@backstage/plugin-signals-react';
import type { JsonObject } from '@backstage/types';

/** A SignalApi that lets the test publish on a channel, like the signals backend would. */
export function fakeSignals() {
  const subscribers = new Map<string, Set<(m: JsonObject) => void>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const set = subscribers.get(channel) ?? new Set();
      set.add(onMessage as (m: JsonObject) => void);
      subscribers.set(channel, set);
      return { unsubscribe: () => set.delete(onMessage as any) };
    },
  };
  const publish = (channel: string, message: JsonObject) =>
    act(() => subscribers.get(channel)?.forEach(fn => fn(message)));
  /** What the backend publishes when the entity's view changed. */
  const overviewChanged = (entityRef = 'component:default/payments-api') =>
    publish(`gitops:${entityRef}`, { type: 'overview-changed', entityRef });
  return { api, publish, overviewChanged, subscribers };
}
