import fs from 'node:fs';
import { AllocationFolder } from './AllocationCostClient';
import { allocationSchema } from './allocationSchema';

/** Folds an answer's sets the way the client does while it streams them. */
function fold(
  body: { data: Array<Record<string, unknown> | null> },
  labelKey: string,
  daily: boolean,
) {
  const folder = new AllocationFolder(labelKey, daily);
  for (const set of body.data) {
    for (const [key, value] of Object.entries(set ?? {})) {
      if (value) folder.add(key, allocationSchema.parse(value));
    }
  }
  return folder.result();
}

describe('AllocationFolder', () => {
  it('reads the OpenCost contract example (aggregate=namespace)', () => {
    const raw = JSON.parse(
      fs.readFileSync(
        '/work/shared/contracts/opencost/allocation-example-output.json',
        'utf8',
      ),
    );
    const rows = fold(raw, 'app', true);
    const kubeSystem = rows.find(r => r.namespace === 'kube-system');
    expect(kubeSystem?.total).toBeCloseTo(1.52743, 4);
    expect(kubeSystem?.cpu).toBeCloseTo(1.43086, 4);
    expect(kubeSystem?.date).toBe('2023-07-12');
    expect(kubeSystem?.label).toBeUndefined();
  });

  const alloc = (start: string, total: number) => ({
    window: { start },
    cpuCost: total / 2,
    ramCost: total / 2,
    totalCost: total,
    totalEfficiency: 0.5,
  });
  const body = {
    data: [
      {
        'payments-api-prod/payments-api': alloc('2026-11-20T00:00:00Z', 2),
        __idle__: alloc('2026-11-20T00:00:00Z', 100),
        'payments-api-prod/__unallocated__': alloc('2026-11-20T00:00:00Z', 1),
      },
      null,
      { 'payments-api-prod/payments-api': alloc('2026-11-21T00:00:00Z', 3) },
    ],
  };

  it('splits namespace/label keys and skips idle; totals sum every set', () => {
    expect(fold(body, 'app', false)).toEqual([
      expect.objectContaining({
        namespace: 'payments-api-prod',
        label: 'payments-api',
        total: 5,
        cpu: 2.5,
        efficiencyWeighted: 2.5,
      }),
      expect.objectContaining({
        namespace: 'payments-api-prod',
        total: 1,
      }),
    ]);
  });

  it('sums idle and what no cost label value holds apart, for totals only', () => {
    const folder = new AllocationFolder('app', false);
    for (const [key, value] of Object.entries(body.data[0]!)) {
      folder.add(key, allocationSchema.parse(value));
    }
    expect(folder.apartRows()).toEqual([
      expect.objectContaining({ apart: 'idle', total: 100 }),
      expect.objectContaining({ apart: 'unallocated', total: 1 }),
    ]);
    const daily = new AllocationFolder('app', true);
    daily.add('__idle__', allocationSchema.parse(body.data[0]!.__idle__));
    expect(daily.apartRows()).toEqual([]);
  });

  it('keeps one row per day for a trend', () => {
    const rows = fold(body, 'app', true).filter(r => r.label);
    expect(rows.map(r => [r.date, r.total])).toEqual([
      ['2026-11-20', 2],
      ['2026-11-21', 3],
    ]);
  });
});
