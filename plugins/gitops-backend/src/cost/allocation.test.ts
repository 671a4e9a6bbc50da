import fs from 'node:fs';
import path from 'node:path';
import { allocationResponseSchema, foldAllocations } from './allocation';

describe('foldAllocations', () => {
  it('reads the OpenCost contract example (aggregate=namespace)', () => {
    const file = path.resolve(
      '/work/shared/contracts/opencost/allocation-example-output.json',
    );
    const raw = fs.existsSync(file)
      ? JSON.parse(fs.readFileSync(file, 'utf8'))
      : {
          code: 200,
          data: [
            {
              'kube-system': {
                name: 'kube-system',
                properties: { namespace: 'kube-system' },
                window: { start: '2023-07-12T11:02:46Z' },
                cpuCost: 1.43086,
                ramCost: 0.09657,
                totalCost: 1.52743,
                totalEfficiency: 0.07855,
              },
            },
          ],
        };
    const body = allocationResponseSchema.parse(raw);
    const rows = foldAllocations(body, 'app');
    const kubeSystem = rows.find(r => r.namespace === 'kube-system');
    expect(kubeSystem?.total).toBeCloseTo(1.52743, 4);
    expect(kubeSystem?.cpu).toBeCloseTo(1.43086, 4);
    expect(kubeSystem?.daily['2023-07-12']).toBeCloseTo(1.52743, 4);
    expect(kubeSystem?.label).toBeUndefined();
  });

  it('splits namespace/label keys, sums steps per day and skips idle', () => {
    const alloc = (start: string, total: number) => ({
      window: { start },
      cpuCost: total / 2,
      ramCost: total / 2,
      totalCost: total,
      totalEfficiency: 0.5,
    });
    const rows = foldAllocations(
      {
        code: 200,
        data: [
          {
            'payments-api-prod/payments-api': alloc('2026-11-20T00:00:00Z', 2),
            __idle__: alloc('2026-11-20T00:00:00Z', 100),
            'payments-api-prod/__unallocated__': alloc(
              '2026-11-20T00:00:00Z',
              1,
            ),
          },
          {
            'payments-api-prod/payments-api': alloc('2026-11-21T00:00:00Z', 3),
          },
        ],
      },
      'app',
    );
    const labelled = rows.find(r => r.label === 'payments-api');
    expect(labelled).toMatchObject({
      namespace: 'payments-api-prod',
      total: 5,
    });
    expect(labelled?.daily).toEqual({ '2026-11-20': 2, '2026-11-21': 3 });
    expect(labelled?.efficiencyWeighted).toBeCloseTo(2.5);
    const unlabelled = rows.find(r => r.label === undefined);
    expect(unlabelled).toMatchObject({
      namespace: 'payments-api-prod',
      total: 1,
    });
    expect(rows).toHaveLength(2);
  });

  it('accepts null data sets', () => {
    expect(foldAllocations({ code: 200, data: [null] }, 'app')).toEqual([]);
  });
});
