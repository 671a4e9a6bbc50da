import type { z } from 'zod';

export type ArgoCallOptions = { signal?: AbortSignal };

export type ArgoAppRef = { name: string; appNamespace?: string };

/** One object of an application, as Argo CD's resource calls name it. */
export type ArgoResourceRef = {
  group?: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
};

/** `/api/v1/applications/<name><suffix>?…`, the app's namespace in the query when it has one. */
export function appPath(
  ref: ArgoAppRef,
  suffix = '',
  query = new URLSearchParams(),
) {
  if (ref.appNamespace) query.set('appNamespace', ref.appNamespace);
  const qs = query.toString();
  return `/api/v1/applications/${encodeURIComponent(ref.name)}${suffix}${
    qs ? `?${qs}` : ''
  }`;
}

/** Shows where a bad item is without its content (it may hold anything). */
export const issueAt = (error: z.ZodError) => {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
};
