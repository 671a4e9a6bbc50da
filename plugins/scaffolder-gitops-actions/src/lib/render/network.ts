/*
 * How a service is reached: its Service (port 80 → the container's `http` port) and the
 * NetworkPolicy admitting ingress from the namespace's pods on that port only.
 */
import type { ServiceSpec } from '../input';
import type { Models } from '../models';
import { objectMeta, selectorLabels } from './metadata';

export function service(m: Models, spec: ServiceSpec, env?: string) {
  return new m.Service({
    metadata: objectMeta(spec, env, '2'),
    spec: {
      selector: selectorLabels(spec),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  });
}

export function networkPolicy(m: Models, spec: ServiceSpec, env?: string) {
  return new m.NetworkPolicy({
    metadata: objectMeta(spec, env, '0'),
    spec: {
      podSelector: { matchLabels: selectorLabels(spec) },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: {} }],
          ports: [{ port: spec.port, protocol: 'TCP' }],
        },
      ],
    },
  });
}
