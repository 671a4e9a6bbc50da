import type { Config } from '@backstage/config';

/** The gitops repository from `gitops.repository` (the simulated fleet writes it too). */
export type RepositoryDefaults = {
  url?: string;
  branch: string;
  /** e.g. `https://git.example.com/gitops/raw/{branch}/{path}`: where a file can be read over HTTP. */
  fileUrlTemplate?: string;
};

export function readRepositoryDefaults(config?: Config): RepositoryDefaults {
  const repo = config?.getOptionalConfig('gitops.repository');
  return {
    url: repo?.getOptionalString('url'),
    branch: repo?.getOptionalString('branch') ?? 'main',
    fileUrlTemplate: repo?.getOptionalString('fileUrlTemplate'),
  };
}

export function fileUrl(
  template: string | undefined,
  branch: string,
  file: string,
): string | undefined {
  return template
    ?.replace('{branch}', encodeURIComponent(branch))
    .replace('{path}', file.split('/').map(encodeURIComponent).join('/'));
}
