import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { parseAllDocuments } from 'yaml';

/** One schema violation: a dotted field path (e.g. `spec.schedule`) and what is wrong. */
export type FieldError = { field: string; message: string };

/** Validates one object against a CRD version's openAPIV3Schema. */
export type CrdValidator = {
  apiVersion: string;
  kind: string;
  validate(object: unknown): FieldError[];
};

function createAjv(): Ajv {
  // CRD schemas carry `x-kubernetes-*` keywords and Kubernetes formats that ajv doesn't know.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: Number.isInteger });
  ajv.addFormat('int64', { type: 'number', validate: Number.isInteger });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('quantity', true);
  ajv.addFormat('int-or-string', true);
  return ajv;
}

/** `/spec/template/ttl` → `spec.template.ttl`; names the missing property for `required`. */
export function fieldOf(error: ErrorObject): string {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') {
    parts.push(String(error.params.missingProperty));
  }
  if (error.keyword === 'additionalProperties') {
    parts.push(String(error.params.additionalProperty));
  }
  return parts.join('.') || '(root)';
}

/**
 * Compiles validators for every served version of the CRD(s) in a YAML text.
 * Kind and apiVersion are checked too; `metadata` only has to be an object, as in the API server.
 */
export function compileCrdValidators(crdYaml: string): CrdValidator[] {
  const ajv = createAjv();
  const validators: CrdValidator[] = [];
  for (const doc of parseAllDocuments(crdYaml)) {
    const crd: any = doc.toJSON();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const group: string = crd.spec.group;
    const kind: string = crd.spec.names.kind;
    for (const version of crd.spec.versions ?? []) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema) continue;
      const apiVersion = `${group}/${version.name}`;
      const check: ValidateFunction = ajv.compile(schema);
      validators.push({
        apiVersion,
        kind,
        validate(object: any) {
          const errors: FieldError[] = [];
          if (object?.apiVersion !== apiVersion) {
            errors.push({
              field: 'apiVersion',
              message: `must be ${apiVersion}`,
            });
          }
          if (object?.kind !== kind) {
            errors.push({ field: 'kind', message: `must be ${kind}` });
          }
          if (!check(object)) {
            for (const e of check.errors ?? []) {
              errors.push({
                field: fieldOf(e),
                message: e.message ?? 'invalid',
              });
            }
          }
          return errors;
        },
      });
    }
  }
  return validators;
}

const PACKAGE =
  '@internal/backstage-plugin-scaffolder-backend-module-gitops-actions';

const vendored = new Map<string, CrdValidator[]>();

function vendoredValidators(file: string): CrdValidator[] {
  let validators = vendored.get(file);
  if (!validators) {
    const text = fs.readFileSync(
      resolvePackagePath(PACKAGE, 'src/schemas', file),
      'utf8',
    );
    validators = compileCrdValidators(text);
    vendored.set(file, validators);
  }
  return validators;
}

/**
 * The validator of Velero `Schedule` (velero.io/v1), from the CRD vendored in `src/schemas/`
 * (Velero v1.18.1, Apache-2.0, see `src/schemas/NOTICE`).
 */
export function veleroScheduleValidator(): CrdValidator {
  return vendoredValidators('velero.io_schedules.yaml')[0];
}

/**
 * Validators of Argo CD `Application` and `AppProject` (argoproj.io/v1alpha1), from the CRDs
 * vendored in `src/schemas/` (Argo CD v3.5.1, Apache-2.0, see `src/schemas/NOTICE`).
 */
export function argoCdValidators(): CrdValidator[] {
  return [
    ...vendoredValidators('application-crd.yaml'),
    ...vendoredValidators('appproject-crd.yaml'),
  ];
}

/** Every vendored CRD validator, by `<apiVersion>/<kind>`. */
export function vendoredCrdValidators(): Map<string, CrdValidator> {
  return new Map(
    [veleroScheduleValidator(), ...argoCdValidators()].map(v => [
      `${v.apiVersion}/${v.kind}`,
      v,
    ]),
  );
}
