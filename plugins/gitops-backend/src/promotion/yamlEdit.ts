import { InputError } from '@backstage/errors';
import {
  isScalar,
  parse,
  parseDocument,
  type Document,
  type Scalar,
} from 'yaml';

/**
 * Edits of YAML files that keep them as their users wrote them: an existing value is replaced
 * in place in the text (located with the yaml Document API), so comments, quoting, key order
 * and blank lines stay; only a missing key is added through the Document API (`stringify`).
 */

/** The document of `text`, or an InputError naming `path` when it is not valid YAML. */
export function parseYaml(text: string, path: string): Document {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) {
    throw new InputError(`${path}: not valid YAML: ${doc.errors[0].message}`);
  }
  return doc;
}

/** A scalar's text as written, undefined for anything else (or an empty value). */
export const scalarText = (node: unknown): string | undefined => {
  if (!isScalar(node) || node.value === null || node.value === undefined) {
    return undefined;
  }
  // The source keeps `1.10` as written (its value would be the number 1.1).
  const source = (node as Scalar & { source?: string }).source;
  return typeof source === 'string' ? source : String(node.value);
};

/** Renders `value` in the quoting style of the scalar it replaces, always read back as a string. */
function renderScalar(node: Scalar, value: string): string {
  if (node.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (node.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  let plainOk = false;
  try {
    plainOk =
      parse(value) === value &&
      !/^[-?:,[\]{}#&*!|>'"%@`]/.test(value) &&
      !/[\s,[\]{}]|: |:$| #/.test(value);
  } catch {
    plainOk = false;
  }
  return plainOk ? value : JSON.stringify(value);
}

/** Replace `text[start, end)` by `text`. */
export type Splice = { start: number; end: number; text: string };

export function applySplices(text: string, splices: Splice[]): string {
  let out = text;
  // From the end, so the offsets of the splices still to apply stay valid.
  for (const s of [...splices].sort((x, y) => y.start - x.start)) {
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
  }
  return out;
}

/**
 * The splice that sets the scalar `node` to `value`; undefined when there is no scalar to
 * replace in place (missing, or a block scalar), so the caller sets it through the Document.
 */
export function spliceFor(node: unknown, value: string): Splice | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    return undefined;
  }
  return {
    start: node.range[0],
    end: node.range[1],
    text: renderScalar(node, value),
  };
}

/** The whole document re-rendered (long lines kept as they are). */
export const stringify = (doc: Document) => doc.toString({ lineWidth: 0 });
