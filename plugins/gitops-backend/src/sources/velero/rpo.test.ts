import { computeBackup, scopeCovers } from './rpo';
import type {
  BackupClusterData as VeleroClusterData,
  BackupRecord,
} from '@internal/backstage-plugin-gitops-node';

const NOW = new Date('2026-11-23T12:00:00Z');

const backup = (over: Partial<BackupRecord>): BackupRecord => ({
  name: 'b',
  phase: 'Completed',
  includedNamespaces: ['app-prod'],
  excludedNamespaces: [],
  errors: 0,
  warnings: 0,
  ...over,
});

const data = (over: Partial<VeleroClusterData>): VeleroClusterData => ({
  backups: [],
  schedules: [],
  locations: [],
  ...over,
});

describe('scopeCovers', () => {
  it.each([
    [[], [], true],
    [['*'], [], true],
    [['app-prod'], [], true],
    [['other'], [], false],
    [[], ['app-prod'], false],
    [['*'], ['app-prod'], false],
    [['app-prod'], ['app-prod'], false],
  ])('included %j excluded %j → %s', (included, excluded, expected) => {
    expect(
      scopeCovers(
        { includedNamespaces: included, excludedNamespaces: excluded },
        'app-prod',
      ),
    ).toBe(expected);
  });
});

describe('computeBackup', () => {
  it('takes the RPO from the newest Completed, non-expired backup', () => {
    const result = computeBackup({
      now: NOW,
      namespaces: ['app-prod'],
      rpoTargetSeconds: 26 * 3600,
      data: data({
        backups: [
          backup({
            name: 'old',
            completedAt: '2026-11-21T02:00:00Z',
            expiresAt: '2026-12-21T02:00:00Z',
          }),
          backup({
            name: 'new',
            completedAt: '2026-11-23T02:00:00Z',
            expiresAt: '2026-12-23T02:00:00Z',
          }),
          backup({
            name: 'running',
            phase: 'InProgress',
            startedAt: '2026-11-23T11:59:00Z',
          }),
        ],
      }),
    });
    expect(result.lastSuccessfulName).toBe('new');
    expect(result.rpoSeconds).toBe(10 * 3600);
    expect(result.rpoTargetSeconds).toBe(26 * 3600);
    expect(result.lastPhase).toBe('InProgress');
  });

  it('ignores failed and expired backups, and lists failures newest first', () => {
    const result = computeBackup({
      now: NOW,
      namespaces: ['app-prod'],
      data: data({
        backups: [
          backup({
            name: 'expired',
            completedAt: '2026-10-01T02:00:00Z',
            expiresAt: '2026-10-31T02:00:00Z',
          }),
          backup({
            name: 'failed',
            phase: 'Failed',
            completedAt: '2026-11-23T02:00:00Z',
            errors: 3,
          }),
          backup({
            name: 'partial',
            phase: 'PartiallyFailed',
            completedAt: '2026-11-22T02:00:00Z',
            errors: 1,
            warnings: 2,
          }),
        ],
      }),
    });
    // PartiallyFailed still counts as a (flagged) restore point.
    expect(result.lastSuccessfulName).toBe('partial');
    expect(result.lastPhase).toBe('Failed');
    expect(result.failures.map(f => f.name)).toEqual(['failed', 'partial']);
    expect(result.failures[1]).toMatchObject({ errors: 1, warnings: 2 });
  });

  it('does not count a backup of other namespaces, nor one that excludes the namespace', () => {
    const result = computeBackup({
      now: NOW,
      namespaces: ['app-prod'],
      data: data({
        backups: [
          backup({
            name: 'other',
            includedNamespaces: ['other'],
            completedAt: '2026-11-23T02:00:00Z',
          }),
          backup({
            name: 'all-but',
            includedNamespaces: ['*'],
            excludedNamespaces: ['app-prod'],
            completedAt: '2026-11-23T02:00:00Z',
          }),
        ],
      }),
    });
    expect(result.lastSuccessfulAt).toBeUndefined();
    expect(result.rpoSeconds).toBeUndefined();
  });

  it('reports uncovered namespaces, paused schedules and unavailable locations', () => {
    const result = computeBackup({
      now: NOW,
      namespaces: ['app-prod', 'app-prod-db'],
      data: data({
        schedules: [
          {
            name: 'daily',
            cron: '0 2 * * *',
            paused: false,
            includedNamespaces: ['app-prod'],
            excludedNamespaces: [],
          },
          {
            name: 'paused',
            cron: '0 3 * * *',
            paused: true,
            includedNamespaces: ['app-prod-db'],
            excludedNamespaces: [],
          },
        ],
        locations: [
          { name: 'default', phase: 'Unavailable' },
          { name: 'secondary', phase: 'Available' },
        ],
      }),
    });
    expect(result.schedules.map(s => s.name)).toEqual(['daily', 'paused']);
    expect(result.uncoveredNamespaces).toEqual(['app-prod-db']);
    expect(result.unavailableLocations).toEqual(['default']);
  });
});
