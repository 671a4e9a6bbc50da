import fs from 'node:fs/promises';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { CrdValidator, fieldOf, vendoredCrdValidators } from './crdSchema';
import { isValidCron } from './cron';
import { Models, modelsByType } from './models';

/** A problem found in a manifest file. */
export type ManifestProblem = {
  /** Path relative to the validated folder. */
  file: string;
  /** Index of the YAML document in the file (0 for the first). */
  document: number;
  kind?: string;
  name?: string;
  /** Dotted field path, e.g. `spec.replicas`. */
  field: string;
  message: string;
};

export type ValidationReport = {
  /** Objects validated against a model or CRD schema. */
  checked: number;
  /** Objects of a type with no known schema (not an error). */
  skipped: Array<{ file: string; type: string }>;
  problems: ManifestProblem[];
};

const IGNORED_DIRS = new Set(['.git', 'node_modules']);

async function listYamlFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, dir), {
    withFileTypes: true,
  });
  const names = entries.map(e => e.name);
  // A Helm chart's templates are Go templates, not YAML: only its values and Chart.yaml are read.
  const isChart = names.includes('Chart.yaml');
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (IGNORED_DIRS.has(entry.name)) continue;
      if (isChart && entry.name === 'templates') continue;
      out.push(...(await listYamlFiles(root, rel)));
    } else if (/\.ya?ml$/.test(entry.name)) {
      out.push(rel);
    }
  }
  return out;
}

function modelErrors(
  error: unknown,
): Array<{ field: string; message: string }> {
  const errors = (error as { errors?: ErrorObject[] }).errors;
  if (Array.isArray(errors) && errors.length) {
    return errors.map(e => ({
      field: fieldOf(e),
      message: e.message ?? 'invalid',
    }));
  }
  return [{ field: '(object)', message: String((error as Error).message) }];
}

async function exists(file: string) {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates every Kubernetes object in the YAML files under `root`: kubernetes-models
 * validation by apiVersion/kind (core, apps, batch, networking, policy, autoscaling, Argo CD
 * Application/AppProject, External Secrets, Sealed Secrets); Argo CD Application/AppProject and
 * Velero `Schedule` against the vendored upstream CRDs; Kustomization resource references; and
 * no clear-text Secret.
 */
export async function validateManifests(
  root: string,
  models: Models,
  options?: { extraValidators?: CrdValidator[] },
): Promise<ValidationReport> {
  const byType = modelsByType(models);
  const crds = vendoredCrdValidators();
  for (const v of options?.extraValidators ?? []) {
    crds.set(`${v.apiVersion}/${v.kind}`, v);
  }
  const report: ValidationReport = { checked: 0, skipped: [], problems: [] };

  for (const file of await listYamlFiles(root)) {
    const text = await fs.readFile(path.join(root, file), 'utf8');
    const docs = parseAllDocuments(text);
    for (const [index, doc] of docs.entries()) {
      const reported = new Set<string>();
      const problem = (field: string, message: string, object?: any) => {
        // The model and the CRD schema may both report the same field.
        if (reported.has(`${field}\n${message}`)) return;
        reported.add(`${field}\n${message}`);
        report.problems.push({
          file,
          document: index,
          kind: object?.kind,
          name: object?.metadata?.name,
          field,
          message,
        });
      };
      if (doc.errors.length) {
        problem('(yaml)', doc.errors[0].message);
        continue;
      }
      const object: any = doc.toJSON();
      if (!object || typeof object !== 'object' || !object.kind) continue;
      if (typeof object.apiVersion !== 'string') {
        problem('apiVersion', 'is required', object);
        continue;
      }
      const type = `${object.apiVersion}/${object.kind}`;

      if (object.apiVersion.startsWith('kustomize.config.k8s.io/')) {
        report.checked++;
        for (const [i, ref] of (object.resources ?? []).entries()) {
          if (typeof ref !== 'string' || /^[a-z]+:\/\//.test(ref)) continue;
          if (!(await exists(path.join(root, path.dirname(file), ref)))) {
            problem(`resources.${i}`, `'${ref}' does not exist`, object);
          }
        }
        continue;
      }

      const Model = byType.get(type);
      const crd = crds.get(type);
      if (!Model && !crd) {
        report.skipped.push({ file, type });
        continue;
      }
      report.checked++;
      if (!object.metadata?.name) {
        problem('metadata.name', 'is required', object);
      }
      if (Model) {
        try {
          new Model(object).validate();
        } catch (e) {
          for (const err of modelErrors(e))
            problem(err.field, err.message, object);
        }
      }
      if (crd) {
        for (const err of crd.validate(object)) {
          problem(err.field, err.message, object);
        }
      }
      if (
        type === 'velero.io/v1/Schedule' &&
        typeof object.spec?.schedule === 'string' &&
        !isValidCron(object.spec.schedule)
      ) {
        problem(
          'spec.schedule',
          `'${object.spec.schedule}' is not a valid cron expression`,
          object,
        );
      }
      if (
        type === 'v1/Secret' &&
        (Object.keys(object.data ?? {}).length ||
          Object.keys(object.stringData ?? {}).length)
      ) {
        problem(
          object.stringData ? 'stringData' : 'data',
          'secret values must not be committed in clear: use an ExternalSecret or a SealedSecret',
          object,
        );
      }
    }
  }
  return report;
}

/** `file: Kind/name field message` lines. */
export function formatProblems(problems: ManifestProblem[]): string {
  return problems
    .map(
      p =>
        `${p.file}${p.document ? ` (document ${p.document + 1})` : ''}: ${
          p.kind ? `${p.kind}${p.name ? `/${p.name}` : ''} ` : ''
        }${p.field}: ${p.message}`,
    )
    .join('\n');
}
