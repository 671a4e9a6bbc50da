import fs from 'node:fs';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { argoCdValidators, veleroScheduleValidator } from './crdSchema';
import { isValidCron } from './cron';
import { CONTRACTS } from '../testUtils/contracts';

const schemas = resolvePackagePath(
  '@internal/backstage-plugin-scaffolder-backend-module-gitops-actions',
  'src/schemas',
);

describe('vendored CRDs', () => {
  it.each([
    ['velero.io_schedules.yaml', 'velero/velero.io_schedules.yaml'],
    ['application-crd.yaml', 'argocd/crds/application-crd.yaml'],
    ['appproject-crd.yaml', 'argocd/crds/appproject-crd.yaml'],
  ])(
    '%s is a byte-for-byte copy of the upstream contract',
    (file, upstream) => {
      expect(
        fs
          .readFileSync(path.join(schemas, file))
          .equals(fs.readFileSync(path.join(CONTRACTS, upstream))),
      ).toBe(true);
      expect(fs.readFileSync(path.join(schemas, 'NOTICE'), 'utf8')).toContain(
        file,
      );
    },
  );

  it('validates Velero schedules and Argo CD objects, naming the field', () => {
    const velero = veleroScheduleValidator();
    expect(velero).toMatchObject({
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
    });
    expect(
      velero.validate({
        apiVersion: 'velero.io/v1',
        kind: 'Schedule',
        metadata: { name: 's' },
        spec: { template: { ttl: 5 } },
      }),
    ).toEqual([
      {
        field: 'spec.schedule',
        message: "must have required property 'schedule'",
      },
      { field: 'spec.template.ttl', message: 'must be string' },
    ]);
    const [application] = argoCdValidators();
    expect(application.kind).toBe('Application');
    expect(
      application.validate({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'a' },
        spec: { destination: {}, project: 'default', source: { repoURL: 1 } },
      }),
    ).toEqual([{ field: 'spec.source.repoURL', message: 'must be string' }]);
  });
});

describe('isValidCron', () => {
  it.each([
    '0 2 * * *',
    '*/15 * * * 1-5',
    '0 0 1,15 * *',
    '@daily',
    '@every 6h',
  ])('accepts %s', expression => {
    expect(isValidCron(expression)).toBe(true);
  });

  it.each([
    '61 2 * * *',
    '0 24 * * *',
    '* * *',
    'daily',
    '0 2 * * 8',
    '@every x',
  ])('refuses %s', expression => {
    expect(isValidCron(expression)).toBe(false);
  });
});
