import type { LoggerService } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import { createSecureContext } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import { UpstreamError } from './errors';

/** The TLS keys of one upstream's config block (`caCert`, `caFile`, `insecureSkipTLSVerify`). */
export type TlsConfig = {
  caCert?: string;
  caFile?: string;
  insecureSkipTLSVerify?: boolean;
  /** Velero's older name of `insecureSkipTLSVerify`. */
  skipTLSVerify?: boolean;
};

/** How one upstream is verified, and how its failures name it and the key to fix. */
export type UpstreamTls = {
  /** `argocd-main` */
  name: string;
  /** `Argo CD instance`, for the start-up warning. */
  what: string;
  /** The upstream's config block: `gitops.argocd.instances[0]`. */
  key: string;
  /** PEM of the CA(s) to trust instead of the system's, from `caCert` or `caFile`. */
  ca?: string;
  /** `caFile` as configured (the Kubernetes client reads it itself). */
  caFile?: string;
  insecure: boolean;
  /** The key that turned verification off (`insecureSkipTLSVerify` or `skipTLSVerify`). */
  insecureKey: string;
  /** Where else a CA may come from, e.g. `the kubeconfig's certificate-authority-data`. */
  otherCa?: string;
  /** What names the server's address (default `<key>.url`), e.g. `the kubeconfig's server`. */
  urlKey?: string;
};

/** The TLS settings of one configured upstream; reads `caFile` (validated with the config). */
export function upstreamTls(
  what: string,
  name: string,
  key: string,
  config: TlsConfig,
  other: { otherCa?: string; urlKey?: string } = {},
): UpstreamTls {
  const insecure = Boolean(
    config.insecureSkipTLSVerify ?? config.skipTLSVerify,
  );
  return {
    name,
    what,
    key,
    ca:
      config.caCert ??
      (config.caFile && fs.readFileSync(config.caFile, 'utf8')),
    ...(config.caFile ? { caFile: config.caFile } : {}),
    insecure,
    insecureKey:
      config.insecureSkipTLSVerify === undefined && config.skipTLSVerify
        ? 'skipTLSVerify'
        : 'insecureSkipTLSVerify',
    ...other,
  };
}

/** Whether the upstream asks for anything but the system's default verification. */
export const customTls = (tls: UpstreamTls) => Boolean(tls.ca || tls.insecure);

/** Logs, once at start-up, that an upstream's certificate is not checked. */
export function warnIfInsecure(logger: LoggerService, tls: UpstreamTls) {
  if (!tls.insecure) return;
  logger.warn(
    `gitops: TLS verification is OFF for ${tls.what} ${tls.name} (${tls.key}.${tls.insecureKey}): ` +
      'its certificate is not checked, anyone on the path can read and change its answers and the credentials sent to it',
  );
}

type Fix = 'ca' | 'renew' | 'name' | 'clock' | 'scheme' | 'check';

/** Node's certificate error codes: what went wrong, and what fixes it. */
const TLS_CODES: Record<string, { reason: string; fix: Fix }> = {
  SELF_SIGNED_CERT_IN_CHAIN: {
    reason: 'self-signed certificate in certificate chain',
    fix: 'ca',
  },
  DEPTH_ZERO_SELF_SIGNED_CERT: { reason: 'self-signed certificate', fix: 'ca' },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    reason: 'unable to verify the first certificate',
    fix: 'ca',
  },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    reason: 'unable to get local issuer certificate',
    fix: 'ca',
  },
  UNABLE_TO_GET_ISSUER_CERT: {
    reason: 'unable to get issuer certificate',
    fix: 'ca',
  },
  CERT_SIGNATURE_FAILURE: {
    reason: 'certificate signature failure',
    fix: 'ca',
  },
  CERT_UNTRUSTED: { reason: 'certificate not trusted', fix: 'ca' },
  CERT_HAS_EXPIRED: { reason: 'certificate has expired', fix: 'renew' },
  CERT_NOT_YET_VALID: { reason: 'certificate is not yet valid', fix: 'clock' },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    reason: 'certificate does not name the host',
    fix: 'name',
  },
  ERR_SSL_WRONG_VERSION_NUMBER: {
    reason: 'the server does not speak TLS',
    fix: 'scheme',
  },
  ERR_SSL_PACKET_LENGTH_TOO_LONG: {
    reason: 'the server does not speak TLS',
    fix: 'scheme',
  },
};

/** The error code of a failed fetch (undici: `cause.code`), node-fetch (`code`) or a socket. */
function codeOf(error: unknown): string | undefined {
  let e = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && e.code) return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

const hostOf = (url?: string) => {
  try {
    return url ? new URL(url).hostname : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A TLS failure as an UpstreamError naming the upstream, the reason and the key to fix
 * ("self-signed certificate in certificate chain for argocd-main: set
 * gitops.argocd.instances[0].caCert (or caFile)"); undefined when `error` is not one. Never
 * contains a secret: only the code's text, the upstream's name, host and config key.
 */
export function tlsError(
  error: unknown,
  tls: UpstreamTls,
  url?: string,
): UpstreamError | undefined {
  const code = codeOf(error);
  if (!code) return undefined;
  const known = TLS_CODES[code];
  if (!known && !/^ERR_(TLS|SSL)_|CERT/.test(code)) return undefined;
  const host = hostOf(url);
  let reason = known?.reason ?? `TLS error ${code}`;
  if (known?.fix === 'name' && host)
    reason = `certificate does not name ${host}`;
  const ca = `${tls.key}.caCert (or caFile${
    tls.otherCa ? `, or ${tls.otherCa}` : ''
  })`;
  const urlKey = tls.urlKey ?? `${tls.key}.url`;
  const fix: Record<Fix, string> = {
    ca: `set ${ca}`,
    renew: `renew the server's certificate (or, for a test setup only, set ${tls.key}.insecureSkipTLSVerify)`,
    clock: `check the clocks of this host and the server (or set ${ca} to a current certificate)`,
    scheme: `check that ${urlKey} is https:// on the server's TLS port`,
    check: `check ${urlKey} and ${ca}`,
    name: `point ${urlKey} at a name the certificate holds (or reissue the certificate for ${
      host ?? 'that name'
    })`,
  };
  return new UpstreamError(
    `${reason} for ${tls.name}: ${fix[known?.fix ?? 'check']}`,
    undefined,
    'tls',
  );
}

const urlOf = (input: Parameters<typeof fetch>[0]) => {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
};

/** Connections per upstream at most. */
const MAX_CONNECTIONS = 16;

export type TlsFetch = typeof fetch & {
  /** Closes the upstream's connections (at shutdown). */
  close(): Promise<void>;
};

/**
 * `fetch` for one upstream: with its own undici Agent (`connect: {ca, rejectUnauthorized}`)
 * when it trusts a CA of its own or skips verification, never the process's (no global
 * dispatcher, no NODE_TLS_REJECT_UNAUTHORIZED); with the default one otherwise. A certificate
 * failure becomes the UpstreamError of `tlsError`.
 */
export function tlsFetch(
  tls: UpstreamTls,
  base: typeof fetch = (...args) => fetch(...args),
  options: {
    /**
     * undici's wait for response headers (its default: 300 s), 0 for none. Argo CD's gateway
     * sends no headers on a stream until its first change, and the client waits for that until
     * the resync (10 min) with its own timers: undici's own would cut a quiet stream at 5 min.
     */
    headersTimeoutMs?: number;
  } = {},
): TlsFetch {
  const timeouts =
    options.headersTimeoutMs === undefined
      ? {}
      : {
          headersTimeout: options.headersTimeoutMs,
          // The same for the wait between two chunks: the client's idle timer decides.
          bodyTimeout: options.headersTimeoutMs,
        };
  const agent =
    customTls(tls) || options.headersTimeoutMs !== undefined
      ? new Agent({
          ...timeouts,
          // A bounded pool per upstream (the stream holds one): every TLS connection keeps its
          // own OpenSSL buffers, and a page's burst of detail reads would otherwise open one
          // per call.
          connections: MAX_CONNECTIONS,
          connect: {
            // One context for all of the upstream's connections: a `ca` per connection has
            // OpenSSL build a new certificate store for each.
            ...(tls.ca
              ? { secureContext: createSecureContext({ ca: tls.ca }) }
              : {}),
            rejectUnauthorized: !tls.insecure,
          },
        })
      : undefined;
  const call = async (
    input: Parameters<typeof fetch>[0],
    init?: RequestInit,
  ): Promise<Response> => {
    try {
      if (!agent) return await base(input, init);
      // undici's own fetch with its own Agent: the Node's bundled fetch may be of another major.
      return (await undiciFetch(input as any, {
        ...(init as any),
        dispatcher: agent,
      })) as unknown as Response;
    } catch (error) {
      throw tlsError(error, tls, urlOf(input)) ?? error;
    }
  };
  return Object.assign(call as typeof fetch, {
    close: async () => {
      await agent?.destroy();
    },
  });
}
