import path from 'node:path';
import { CLI_DEFAULT_TLS, optionsFromArgs, parseArgs } from './cliOptions';
import { DEFAULT_TLS } from './fleetOptions';

describe('start command options', () => {
  it('serves HTTPS with --https, plain HTTP with --plain-http (which wins), else the CLI default', () => {
    expect(optionsFromArgs(parseArgs(['--https'])).tls).toBe(true);
    expect(optionsFromArgs(parseArgs(['--plain-http'])).tls).toBe(false);
    expect(optionsFromArgs(parseArgs(['--https', '--plain-http'])).tls).toBe(
      false,
    );
    expect(optionsFromArgs(parseArgs(['--plain-http=false'])).tls).toBe(
      CLI_DEFAULT_TLS,
    );
    expect(optionsFromArgs(parseArgs([])).tls).toBe(CLI_DEFAULT_TLS);
    // HTTPS by default, as startFleet.
    expect(CLI_DEFAULT_TLS).toBe(true);
    expect(CLI_DEFAULT_TLS).toBe(DEFAULT_TLS);
  });

  it('reads path prefixes per Argo instance by index, an empty entry meaning none', () => {
    const o = optionsFromArgs(
      parseArgs(['--argo-path-prefixes', ',/argocd,', '--dir', 'x']),
    );
    expect(o.argoInstances).toEqual([
      undefined,
      { pathPrefix: '/argocd' },
      undefined,
    ]);
    expect(o.dir).toBe(path.resolve('x'));
    expect(optionsFromArgs(parseArgs([])).argoInstances).toBeUndefined();
  });
});
