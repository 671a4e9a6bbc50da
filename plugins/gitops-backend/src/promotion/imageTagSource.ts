import type { VersionTarget } from './versionFiles';

/**
 * A file format that records a service's version as its image tag, one file per environment
 * under a root directory (the `gitops/repo-path` annotation, else `defaultRoot`).
 */
export type ImageTagSource = {
  defaultRoot(service: string): string;
  /** The file of `env` under `root`. */
  path(root: string, env: string): string;
  /** The tag in the file's text, if any. */
  read(text: string, target: VersionTarget): string | undefined;
  /** The file's text with the tag set to `version`, otherwise unchanged. */
  write(text: string, target: VersionTarget, version: string): string;
};
