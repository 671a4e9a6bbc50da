import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseGitopsConfig } from './config';

const PEM =
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n';

describe('TLS keys of the gitops config (caCert, caFile, insecureSkipTLSVerify)', () => {
  let dir: string;
  let caFile: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-tls-config-'));
    caFile = path.join(dir, 'ca.pem');
    fs.writeFileSync(caFile, PEM);
    fs.writeFileSync(path.join(dir, 'not-a-pem.txt'), 'hello');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const argo = (tls: Record<string, unknown>) => ({
    argocd: {
      instances: [
        { name: 'argocd-main', url: 'https://a/argocd', token: 't', ...tls },
      ],
    },
  });
  const cost = (tls: Record<string, unknown>) => ({
    cost: {
      clusters: [{ name: 'c', type: 'kubecost', url: 'https://c', ...tls }],
    },
  });
  const velero = (tls: Record<string, unknown>) => ({
    velero: { clusters: [{ name: 'v', url: 'https://k', token: 't', ...tls }] },
  });

  it('reads them on every kind of upstream', () => {
    const config = parseGitopsConfig({
      ...argo({ caCert: PEM }),
      ...cost({ caFile }),
      ...velero({ insecureSkipTLSVerify: true }),
    });
    expect(config.argocd.instances[0].caCert).toBe(PEM.trim());
    expect(config.cost.clusters[0].caFile).toBe(caFile);
    expect(config.velero.clusters[0].insecureSkipTLSVerify).toBe(true);
    // Velero's older name is still accepted.
    expect(
      parseGitopsConfig(velero({ skipTLSVerify: true })).velero.clusters[0]
        .skipTLSVerify,
    ).toBe(true);
  });

  it.each([
    [
      'a caCert that is not PEM',
      argo({ caCert: 'MIIBszCCAVmgAwIBAgIUQ' }),
      'gitops.argocd.instances[0].caCert: must be a PEM certificate ("-----BEGIN CERTIFICATE-----" …)',
    ],
    [
      'a caFile that does not exist',
      cost({ caFile: '/nonexistent/ca.pem' }),
      'gitops.cost.clusters[0].caFile: /nonexistent/ca.pem does not exist',
    ],
    [
      'a caFile that is a directory',
      velero({ caFile: '/tmp' }),
      'gitops.velero.clusters[0].caFile: /tmp is not a file',
    ],
    [
      'caCert and caFile together',
      argo({ caCert: PEM, caFile: '/tmp/x.pem' }),
      'gitops.argocd.instances[0].caFile: set caCert or caFile, not both',
    ],
    [
      'a CA with insecureSkipTLSVerify',
      cost({ caCert: PEM, insecureSkipTLSVerify: true }),
      'gitops.cost.clusters[0].insecureSkipTLSVerify: insecureSkipTLSVerify turns off the verification that caCert is for: set one or the other',
    ],
    [
      'skipTLSVerify saying otherwise than insecureSkipTLSVerify',
      velero({ skipTLSVerify: true, insecureSkipTLSVerify: false }),
      'gitops.velero.clusters[0].skipTLSVerify: skipTLSVerify is the older name of insecureSkipTLSVerify and says otherwise',
    ],
    [
      'insecureSkipTLSVerify that is not a boolean',
      argo({ insecureSkipTLSVerify: 'yes' }),
      'gitops.argocd.instances[0].insecureSkipTLSVerify',
    ],
  ])('refuses %s, naming the key', (_what, raw, message) => {
    expect(() => parseGitopsConfig(raw)).toThrow(message);
  });

  it('refuses a caFile without a PEM certificate in it', () => {
    const file = path.join(dir, 'not-a-pem.txt');
    expect(() => parseGitopsConfig(argo({ caFile: file }))).toThrow(
      `gitops.argocd.instances[0].caFile: ${file} holds no PEM certificate`,
    );
  });
});
