/*
 * The secret reference of an environment: an ExternalSecret reading `<prefix>/<env>`, or an
 * empty SealedSecret listing the keys to seal. Key names only, never values.
 */
import type { ServiceSpec } from '../input';
import type { Models } from '../models';
import { labels, wave } from './metadata';
import { namespaceOf, secretName } from './naming';

/** The External Secrets remote key of an environment. */
export function remoteKey(spec: ServiceSpec, env: string) {
  return `${spec.secrets?.remoteKeyPrefix ?? spec.name}/${env}`;
}

/** The environment's ExternalSecret or SealedSecret, or undefined without `secrets`. */
export function secretObject(m: Models, spec: ServiceSpec, env: string) {
  const secrets = spec.secrets;
  if (!secrets) return undefined;
  const metadata = {
    name: secretName(spec),
    labels: labels(spec, env),
    ...wave(spec, '0'),
  };
  if (secrets.provider === 'external-secrets') {
    return new m.ExternalSecret({
      metadata,
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: secrets.store.kind, name: secrets.store.name },
        target: { name: secretName(spec), creationPolicy: 'Owner' },
        data: secrets.keys.map(key => ({
          secretKey: key,
          remoteRef: { key: remoteKey(spec, env), property: key },
        })),
      },
    });
  }
  // Sealed values are encrypted per namespace with the cluster's key (kubeseal); the scaffolder
  // never sees a value, so the SealedSecret starts empty and lists the keys to seal.
  return new m.SealedSecret({
    metadata: {
      ...metadata,
      namespace: namespaceOf(spec.name, env),
      annotations: {
        ...metadata.annotations,
        'gitops.example.com/keys-to-seal': secrets.keys.join(','),
      },
    },
    spec: {
      encryptedData: {},
      template: {
        metadata: {
          name: secretName(spec),
          namespace: namespaceOf(spec.name, env),
        },
        type: 'Opaque',
      },
    },
  });
}

/** The file (or chart template) name of a secret object. */
export function secretFile(secret: { kind: string }) {
  return secret.kind === 'ExternalSecret'
    ? 'externalsecret.yaml'
    : 'sealedsecret.yaml';
}
