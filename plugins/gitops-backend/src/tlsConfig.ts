import fs from 'node:fs';
import { z } from 'zod';

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/**
 * The TLS keys of an upstream's config block (an Argo CD instance, a cost engine, a Velero
 * cluster), as a kubeconfig names them: the CA to trust for that upstream alone, or no check.
 */
export const tlsConfigFields = {
  /** PEM of the CA (or CAs) that signed the upstream's certificate. */
  caCert: z
    .string()
    .trim()
    .refine(v => v.includes(PEM_CERTIFICATE), {
      message: `must be a PEM certificate ("${PEM_CERTIFICATE}" …)`,
    })
    .optional(),
  /** Path of a PEM file with that CA, read at start-up. */
  caFile: z.string().trim().min(1, 'must be a non-empty string').optional(),
  insecureSkipTLSVerify: z.boolean().optional(),
};

/** Why a `caFile` can't be used, or undefined when it is a readable PEM file. */
function caFileProblem(file: string): string | undefined {
  try {
    if (!fs.statSync(file).isFile()) return `${file} is not a file`;
    fs.accessSync(file, fs.constants.R_OK);
    if (!fs.readFileSync(file, 'utf8').includes(PEM_CERTIFICATE)) {
      return `${file} holds no PEM certificate ("${PEM_CERTIFICATE}" …)`;
    }
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') return `${file} does not exist`;
    if (code === 'EACCES' || code === 'EPERM') {
      return `${file} is not readable`;
    }
    return `${file} can't be read (${code ?? 'error'})`;
  }
}

/**
 * Checks an upstream's TLS keys together: `caFile` exists, is readable and holds a PEM; not
 * `caCert` and `caFile` both; not a CA and no verification at once (kubectl refuses that too).
 * `insecureKey` is the key the block turns verification off with.
 */
export function checkTlsConfig(
  v: { caCert?: string; caFile?: string },
  insecure: boolean | undefined,
  ctx: z.RefinementCtx,
  insecureKey = 'insecureSkipTLSVerify',
) {
  if (v.caCert && v.caFile) {
    ctx.addIssue({
      code: 'custom',
      path: ['caFile'],
      message: 'set caCert or caFile, not both',
    });
  } else if (v.caFile) {
    const problem = caFileProblem(v.caFile);
    if (problem) {
      ctx.addIssue({ code: 'custom', path: ['caFile'], message: problem });
    }
  }
  if (insecure && (v.caCert || v.caFile)) {
    ctx.addIssue({
      code: 'custom',
      path: [insecureKey],
      message: `${insecureKey} turns off the verification that ${
        v.caCert ? 'caCert' : 'caFile'
      } is for: set one or the other`,
    });
  }
}
