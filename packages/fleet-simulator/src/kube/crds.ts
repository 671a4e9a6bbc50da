import { createHash } from 'node:crypto';
import type { Plural } from './velero';

/** A CRD's `additionalPrinterColumns` entry (apiextensions.k8s.io/v1). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
  /** Built-in printers only: a `string` column holding the age of the date at `jsonPath`. */
  age?: boolean;
}

/** What server-side printing needs of a resource: its printer columns (empty: Age). */
export interface TableSchema {
  listKind: string;
  printerColumns: PrinterColumn[];
}

/** What the API server knows of a served CRD version: its names and its printer columns. */
export interface CrdVersion extends TableSchema {
  plural: Plural;
  singular: string;
  kind: string;
  shortNames?: string[];
}

export const GROUP = 'velero.io';

/** ObjectMeta's swagger doc of creationTimestamp: the description of every Age column. */
export const CREATION_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
export const VERSION = 'v1';

/**
 * Velero's four CRDs as the contracts define them (`contracts/velero/velero.io_*.yaml`, Velero
 * v1.18.1): all namespaced, no status or scale subresource, printer columns on Schedule and
 * BackupStorageLocation only. crds.test.ts checks this against the YAML.
 */
export const CRDS: Record<Plural, CrdVersion> = {
  backups: {
    plural: 'backups',
    singular: 'backup',
    kind: 'Backup',
    listKind: 'BackupList',
    printerColumns: [],
  },
  backupstoragelocations: {
    plural: 'backupstoragelocations',
    singular: 'backupstoragelocation',
    kind: 'BackupStorageLocation',
    listKind: 'BackupStorageLocationList',
    shortNames: ['bsl'],
    printerColumns: [
      {
        description:
          'Backup Storage Location status such as Available/Unavailable',
        jsonPath: '.status.phase',
        name: 'Phase',
        type: 'string',
      },
      {
        description:
          'LastValidationTime is the last time the backup store location was validated',
        jsonPath: '.status.lastValidationTime',
        name: 'Last Validated',
        type: 'date',
      },
      { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
      {
        description: 'Default backup storage location',
        jsonPath: '.spec.default',
        name: 'Default',
        type: 'boolean',
      },
    ],
  },
  restores: {
    plural: 'restores',
    singular: 'restore',
    kind: 'Restore',
    listKind: 'RestoreList',
    printerColumns: [],
  },
  schedules: {
    plural: 'schedules',
    singular: 'schedule',
    kind: 'Schedule',
    listKind: 'ScheduleList',
    printerColumns: [
      {
        description: 'Status of the schedule',
        jsonPath: '.status.phase',
        name: 'Status',
        type: 'string',
      },
      {
        description: 'A Cron expression defining when to run the Backup',
        jsonPath: '.spec.schedule',
        name: 'Schedule',
        type: 'string',
      },
      {
        description: 'The last time a Backup was run for this schedule',
        jsonPath: '.status.lastBackup',
        name: 'LastBackup',
        type: 'date',
      },
      { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
      { jsonPath: '.spec.paused', name: 'Paused', type: 'boolean' },
    ],
  },
};

/** kube-apiserver's built-in printer for Namespaces (pkg/printers/internalversion). */
export const NAMESPACE_TABLE: TableSchema = {
  listKind: 'NamespaceList',
  printerColumns: [
    {
      name: 'Status',
      type: 'string',
      jsonPath: '.status.phase',
      description: 'The status of the namespace',
    },
    {
      name: 'Age',
      type: 'string',
      age: true,
      jsonPath: '.metadata.creationTimestamp',
      description: CREATION_DESCRIPTION,
    },
  ],
};

/** Sorted by plural, as discovery lists them. */
export const CRD_LIST: CrdVersion[] = Object.values(CRDS).sort((a, b) =>
  a.plural.localeCompare(b.plural),
);

/**
 * apiserver's `discovery.StorageVersionHash`: the first 8 bytes of sha256("group/version/kind"),
 * base64 (Namespace: "/v1/Namespace" → "Q3oi5N2YM8M=").
 */
export const storageVersionHash = (
  group: string,
  version: string,
  kind: string,
) =>
  createHash('sha256')
    .update(`${group}/${version}/${kind}`)
    .digest()
    .subarray(0, 8)
    .toString('base64');
