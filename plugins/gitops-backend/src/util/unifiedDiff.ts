/**
 * A small unified diff (the format of `git diff`, three lines of context), enough for the
 * version files a promotion changes. Common prefix and suffix are trimmed first, so the LCS
 * table only covers the changed middle.
 */

type Line = { text: string; eol: boolean };
type Op = { kind: ' ' | '-' | '+'; line: Line; a: number; b: number };

function splitLines(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const endsWithNewline = parts[parts.length - 1] === '';
  if (endsWithNewline) parts.pop();
  return parts.map((t, i) => ({
    text: t,
    eol: i < parts.length - 1 || endsWithNewline,
  }));
}

const same = (x: Line, y: Line) => x.text === y.text && x.eol === y.eol;

function diffOps(a: Line[], b: Line[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && same(a[start], b[start])) {
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && same(a[endA - 1], b[endB - 1])) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  // lcs[i][j] = LCS length of a[start+i..endA) and b[start+j..endB)
  const lcs: Uint32Array[] = [];
  for (let i = 0; i <= n; i++) lcs.push(new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = same(a[start + i], b[start + j])
        ? lcs[i + 1][j + 1] + 1
        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: Op[] = [];
  for (let k = 0; k < start; k++)
    ops.push({ kind: ' ', line: a[k], a: k, b: k });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && same(a[start + i], b[start + j])) {
      ops.push({ kind: ' ', line: a[start + i], a: start + i, b: start + j });
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      // Deletions before insertions, as git prints them.
      if (i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
        ops.push({ kind: '-', line: a[start + i], a: start + i, b: start + j });
        i++;
      } else {
        ops.push({ kind: '+', line: b[start + j], a: start + i, b: start + j });
        j++;
      }
    } else {
      ops.push({ kind: '-', line: a[start + i], a: start + i, b: start + j });
      i++;
    }
  }
  for (let k = 0; k < a.length - endA; k++) {
    ops.push({ kind: ' ', line: a[endA + k], a: endA + k, b: endB + k });
  }
  return ops;
}

/** Git's default hunk context: the nearest earlier line starting with a letter, `_` or `$`. */
function functionContext(lines: Line[], before: number): string | undefined {
  for (let i = before - 1; i >= 0; i--) {
    if (/^[A-Za-z_$]/.test(lines[i].text)) {
      return lines[i].text.trimEnd().slice(0, 80);
    }
  }
  return undefined;
}

const range = (start: number, count: number) => {
  // git: "-l,s"; the count is left out when 1; an empty range names the line before.
  if (count === 0) return `${start},0`;
  if (count === 1) return `${start + 1}`;
  return `${start + 1},${count}`;
};

/**
 * Unified diff of `before` → `after` for `path`, or '' when they are equal. `null` stands for
 * a missing file (created or deleted).
 */
export function unifiedDiff(
  path: string,
  before: string | null,
  after: string | null,
  context = 3,
): string {
  if (before === after) return '';
  const a = splitLines(before ?? '');
  const b = splitLines(after ?? '');
  const ops = diffOps(a, b);
  const changed = ops
    .map((op, index) => (op.kind === ' ' ? -1 : index))
    .filter(index => index >= 0);
  if (changed.length === 0) return '';

  // Group changes whose context windows touch into hunks.
  const hunks: Array<[number, number]> = [];
  for (const index of changed) {
    const from = Math.max(0, index - context);
    const to = Math.min(ops.length - 1, index + context);
    const last = hunks[hunks.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else hunks.push([from, to]);
  }

  const out: string[] = [
    before === null ? '--- /dev/null' : `--- a/${path}`,
    after === null ? '+++ /dev/null' : `+++ b/${path}`,
  ];
  for (const [from, to] of hunks) {
    const slice = ops.slice(from, to + 1);
    const aCount = slice.filter(op => op.kind !== '+').length;
    const bCount = slice.filter(op => op.kind !== '-').length;
    const first = slice[0];
    const header = `@@ -${range(first.a, aCount)} +${range(
      first.b,
      bCount,
    )} @@`;
    const fn = functionContext(a, first.a);
    out.push(fn ? `${header} ${fn}` : header);
    for (const op of slice) {
      out.push(`${op.kind}${op.line.text}`);
      if (!op.line.eol) out.push('\\ No newline at end of file');
    }
  }
  return `${out.join('\n')}\n`;
}
