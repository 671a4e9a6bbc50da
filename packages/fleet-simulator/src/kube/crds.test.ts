import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CRDS, CRD_LIST, storageVersionHash } from './crds';
import { veleroResourceList } from './discovery';

const contracts = path.resolve(__dirname, '../../../../../shared/contracts');

describe('Velero CRDs as the API server knows them', () => {
  it.each(CRD_LIST.map(c => [c.plural]))(
    '%s: names, scope, printer columns and subresources match the contract',
    plural => {
      const crd = parse(
        fs.readFileSync(
          path.join(contracts, `velero/velero.io_${plural}.yaml`),
          'utf8',
        ),
      );
      const mine = CRDS[plural as keyof typeof CRDS];
      expect(crd.spec.group).toBe('velero.io');
      expect(crd.spec.scope).toBe('Namespaced');
      expect(crd.spec.names).toEqual({
        kind: mine.kind,
        listKind: mine.listKind,
        plural: mine.plural,
        singular: mine.singular,
        ...(mine.shortNames ? { shortNames: mine.shortNames } : {}),
      });
      const [v1] = crd.spec.versions;
      expect(crd.spec.versions).toHaveLength(1);
      expect(v1).toMatchObject({ name: 'v1', served: true, storage: true });
      expect(v1.additionalPrinterColumns ?? []).toEqual(mine.printerColumns);
      // No status or scale subresource: discovery lists no "<plural>/status".
      expect(v1.subresources?.status).toBeUndefined();
      expect(v1.subresources?.scale).toBeUndefined();
    },
  );

  it('storage version hashes as the apiserver computes them', () => {
    // Known values from real servers: core Namespace.
    expect(storageVersionHash('', 'v1', 'Namespace')).toBe('Q3oi5N2YM8M=');
    expect(veleroResourceList.resources.map(r => r.storageVersionHash)).toEqual(
      CRD_LIST.map(c => storageVersionHash('velero.io', 'v1', c.kind)),
    );
    expect(
      new Set(veleroResourceList.resources.map(r => r.storageVersionHash)).size,
    ).toBe(4);
  });
});
