import type { EstateCost } from '@internal/backstage-plugin-gitops-common';
import { parseCsv } from './__testUtils__/parseCsv';
import { COST_CSV_COLUMNS, costCsv, csvField } from './costCsv';

describe('costCsv', () => {
  const cost: EstateCost = {
    window: '30d',
    currency: 'USD',
    rows: [
      {
        entityRef: 'component:default/payments-api',
        environment: 'prod',
        total: 12.5,
        cpu: 8,
        ram: 3.5,
        pv: 0.5,
        network: 0.5,
        efficiency: 0.42,
      },
      {
        entityRef: 'component:default/odd',
        // What a CSV must escape, and what a spreadsheet would run as a formula.
        environment: 'pre "prod", eu\nwest',
        total: -1,
        cpu: 0,
        ram: 0,
        pv: 0,
        network: 0,
      },
      {
        entityRef: 'component:default/formula',
        environment: '=HYPERLINK("x")',
        total: 0,
        cpu: 0,
        ram: 0,
        pv: 0,
        network: 0,
      },
    ],
    byEnvironment: { prod: 12.5 },
    total: 12.5,
    apart: [{ cluster: 'cluster-main', idle: 40.25, unallocated: 3 }],
    errors: [],
  };

  it('parses back to a header, one row per service × environment, then idle and unallocated per cluster', () => {
    const records = parseCsv(costCsv(cost));
    expect(records[0]).toEqual([...COST_CSV_COLUMNS]);
    expect(records.slice(1)).toEqual([
      [
        'service',
        'component:default/payments-api',
        'prod',
        '',
        '30d',
        'USD',
        '12.5',
        '8',
        '3.5',
        '0.5',
        '0.5',
        '0.42',
      ],
      [
        'service',
        'component:default/odd',
        'pre "prod", eu\nwest',
        '',
        '30d',
        'USD',
        '-1',
        '0',
        '0',
        '0',
        '0',
        '',
      ],
      [
        'service',
        'component:default/formula',
        `'=HYPERLINK("x")`,
        '',
        '30d',
        'USD',
        '0',
        '0',
        '0',
        '0',
        '0',
        '',
      ],
      [
        'idle',
        '',
        '',
        'cluster-main',
        '30d',
        'USD',
        '40.25',
        '',
        '',
        '',
        '',
        '',
      ],
      [
        'unallocated',
        '',
        '',
        'cluster-main',
        '30d',
        'USD',
        '3',
        '',
        '',
        '',
        '',
        '',
      ],
    ]);
  });

  it('quotes only what needs it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField(-2.5)).toBe('-2.5');
    expect(csvField(undefined)).toBe('');
  });

  it('is only a header for an estate without cost', () => {
    const empty = { ...cost, rows: [], apart: [] };
    expect(parseCsv(costCsv(empty))).toEqual([[...COST_CSV_COLUMNS]]);
  });
});
