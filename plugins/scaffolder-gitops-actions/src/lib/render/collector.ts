/*
 * Collects what rendering produces (files and objects) and validates every object as it is
 * added: its kubernetes-models schema, then the vendored Argo CD / Velero CRD schema of its
 * type. The first invalid object stops rendering with an error naming its file.
 */
import { vendoredCrdValidators } from '../crdSchema';
import { toYaml } from '../yaml';

/** One generated object, with the workspace-relative file it is written to (if any). */
export type GeneratedObject = {
  /** File the object is written to; for Helm, the chart template that renders it. */
  file: string;
  object: { apiVersion: string; kind: string; [key: string]: unknown };
};

/** A validation error of a generated object, naming the file. */
export class GeneratedObjectError extends Error {
  constructor(file: string, kind: string, detail: string) {
    super(`${file}: ${kind} is invalid: ${detail}`);
    this.name = 'GeneratedObjectError';
  }
}

function validateModel(
  file: string,
  model: { validate(): void; kind?: string },
) {
  try {
    model.validate();
  } catch (e) {
    throw new GeneratedObjectError(
      file,
      String(model.kind),
      (e as Error).message.replace(/\bdata\//g, '').replace(/\//g, '.'),
    );
  }
}

export class RenderCollector {
  /** Path (relative to the gitops repo root) → content. */
  readonly files = new Map<string, string>();
  readonly objects: GeneratedObject[] = [];
  private readonly crds = vendoredCrdValidators();

  /**
   * Validates a kubernetes-models instance and records it; with `write` (the default) also
   * writes it to `file`. Without, `file` is the overlay or chart template that renders it.
   */
  add(
    file: string,
    model: { validate(): void; toJSON(): unknown; kind: string },
    write = true,
  ) {
    validateModel(file, model);
    const object = model.toJSON() as GeneratedObject['object'];
    this.checkCrd(file, object);
    this.objects.push({ file, object });
    if (write) this.files.set(file, toYaml(object));
  }

  /** Validates a plain object against its vendored CRD schema, records and writes it. */
  addPlain(file: string, object: GeneratedObject['object']) {
    this.checkCrd(file, object);
    this.objects.push({ file, object });
    this.files.set(file, toYaml(object));
  }

  /** A file that is not a validated object (kustomization, Chart.yaml, values, templates). */
  write(file: string, content: string) {
    this.files.set(file, content);
  }

  private checkCrd(file: string, object: GeneratedObject['object']) {
    const errors =
      this.crds.get(`${object.apiVersion}/${object.kind}`)?.validate(object) ??
      [];
    if (errors.length) {
      throw new GeneratedObjectError(
        file,
        object.kind,
        errors.map(e => `${e.field} ${e.message}`).join(', '),
      );
    }
  }
}
