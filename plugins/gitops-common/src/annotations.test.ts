import { GITOPS_ANNOTATIONS, isGitopsAvailable } from './annotations';

const entity = (annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', annotations },
});

describe('isGitopsAvailable', () => {
  it('is true with an app name or an app selector', () => {
    expect(
      isGitopsAvailable(entity({ [GITOPS_ANNOTATIONS.argoAppName]: 'a-dev' })),
    ).toBe(true);
    expect(
      isGitopsAvailable(
        entity({ [GITOPS_ANNOTATIONS.argoAppSelector]: 'app=payments-api' }),
      ),
    ).toBe(true);
  });

  it('is false without them, or when they are blank', () => {
    expect(isGitopsAvailable(entity({}))).toBe(false);
    expect(
      isGitopsAvailable(entity({ [GITOPS_ANNOTATIONS.argoAppName]: '  ' })),
    ).toBe(false);
    expect(
      isGitopsAvailable(
        entity({ [GITOPS_ANNOTATIONS.argoInstanceName]: 'argocd-main' }),
      ),
    ).toBe(false);
  });
});
