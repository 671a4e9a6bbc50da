import { resourceDiff } from './resourceDiff';

const deployment = (tag: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'payments-api', namespace: 'payments-prod' },
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [
          {
            name: 'payments-api',
            image: `registry.example.com/payments-api:${tag}`,
          },
        ],
      },
    },
  },
  ...extra,
});

/** What the cluster adds to a live object: none of it is a difference. */
const asLive = (o: Record<string, any>) => ({
  ...o,
  metadata: {
    ...o.metadata,
    uid: 'abc',
    resourceVersion: '12',
    generation: 3,
    creationTimestamp: '2026-12-01T00:00:00Z',
    managedFields: [{ manager: 'argocd-controller', operation: 'Apply' }],
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"secret":"x"}',
    },
  },
  status: { readyReplicas: 2 },
});

const ref = { group: 'apps', kind: 'Deployment', name: 'payments-api' };

describe('resourceDiff', () => {
  it('shows an image change as one summary line and a compact hunk, without what the cluster adds', () => {
    const d = resourceDiff({
      ...ref,
      namespace: 'payments-prod',
      live: asLive(deployment('1.3.0')),
      desired: deployment('1.3.1'),
    })!;
    expect(d).toMatchObject({
      kind: 'Deployment',
      name: 'payments-api',
      namespace: 'payments-prod',
      action: 'update',
      summary: ['image 1.3.0 → 1.3.1'],
    });
    const lines = d.diff.split('\n');
    expect(lines[0]).toMatch(/^@@ -\d+(,\d+)? \+\d+(,\d+)? @@/);
    expect(lines).toContain(
      '-        - image: registry.example.com/payments-api:1.3.0',
    );
    expect(lines).toContain(
      '+        - image: registry.example.com/payments-api:1.3.1',
    );
    expect(lines.filter(l => /^[-+]/.test(l))).toHaveLength(2);
    expect(d.diff).not.toMatch(
      /managedFields|resourceVersion|readyReplicas|last-applied|uid/,
    );
  });

  it('is undefined when only server-set fields differ', () => {
    expect(
      resourceDiff({
        ...ref,
        live: asLive(deployment('1.3.0')),
        desired: deployment('1.3.0'),
      }),
    ).toBeUndefined();
  });

  it('names changed, added and removed fields', () => {
    const live = deployment('1.3.0', {
      metadata: { name: 'payments-api', labels: { team: 'a' } },
    });
    const desired = deployment('1.3.0', {
      metadata: { name: 'payments-api', annotations: { note: 'x' } },
    });
    (desired.spec as any).replicas = 3;
    expect(resourceDiff({ ...ref, live, desired })!.summary).toEqual([
      'metadata.labels removed',
      'metadata.annotations added',
      'spec.replicas 2 → 3',
    ]);
  });

  it('says create for what is not live yet and prune for what git no longer holds', () => {
    const created = resourceDiff({
      ...ref,
      live: null,
      desired: deployment('1'),
    })!;
    expect(created.action).toBe('create');
    expect(
      created.diff
        .split('\n')
        .slice(1)
        .every(l => l.startsWith('+')),
    ).toBe(true);
    const pruned = resourceDiff({
      kind: 'ConfigMap',
      name: 'old',
      live: asLive({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'old' },
        data: { a: '1' },
      }),
      desired: null,
    })!;
    expect(pruned).toMatchObject({ action: 'prune', summary: [] });
    expect(pruned.diff).toContain('-data:');
  });

  it('leaves out a hook git no longer holds: its delete policy removes it, not a prune', () => {
    expect(
      resourceDiff({
        kind: 'Job',
        name: 'migrate',
        hook: true,
        live: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'migrate' },
        },
        desired: null,
      }),
    ).toBeUndefined();
  });

  it("never shows a Secret's values, only which keys change", () => {
    const secret = (data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data,
    });
    const d = resourceDiff({
      kind: 'Secret',
      name: 'db',
      live: secret({ user: 'YWRtaW4=', password: 'b2xk' }),
      desired: secret({ user: 'YWRtaW4=', password: 'bmV3' }),
    })!;
    expect(d.diff).not.toMatch(/YWRtaW4=|b2xk|bmV3/);
    expect(d.diff).toContain('-  password: (hidden)');
    expect(d.diff).toContain('+  password: (hidden, changed)');
    expect(d.summary).toEqual(['data.password (hidden) → (hidden, changed)']);
  });

  it('leaves out the diff of a 5 MB ConfigMap with a note saying why, and keeps the summary short', () => {
    const configMap = (payload: string) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'catalogue' },
      data: { 'catalogue.json': payload, LOG_LEVEL: 'info' },
    });
    const big = 'x'.repeat(5 * 1024 * 1024);
    const d = resourceDiff({
      kind: 'ConfigMap',
      name: 'catalogue',
      live: configMap(`${big}a`),
      desired: configMap(`${big}b`),
    })!;
    expect(d.action).toBe('update');
    expect(d.diff).toBe(
      '@@ too large to show here (live 5.0 MB, 8 lines → desired 5.0 MB, 8 lines): the summary names the changes @@',
    );
    expect(d.summary).toEqual([
      `data.catalogue.json ${'x'.repeat(60)}… → ${'x'.repeat(60)}…`,
    ]);
    expect(JSON.stringify(d).length).toBeLessThan(1_000);
  });
});
