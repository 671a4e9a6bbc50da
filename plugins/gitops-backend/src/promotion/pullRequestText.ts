import { unifiedDiff } from '../util/unifiedDiff';
import type { PromotionKind } from './types';

/** GitHub refuses bodies over 65 536 characters; the diff gets what the rest leaves. */
const MAX_DIFF = 50_000;

/**
 * Title and Markdown body of a promotion's pull request: the version, from → to, the
 * requester, whether an approval in Backstage is needed, the files and their diff.
 */
/** Which promotion a text describes: the same fields for its commit message and its PR. */
export type PromotionSubject = {
  kind: PromotionKind;
  service: string;
  from: string;
  to: string;
  version: string;
  previousVersion?: string;
  requester: string;
  id: string;
};

export function pullRequestText(
  options: PromotionSubject & {
    approval: boolean;
    files: Array<{ path: string; before: string | null; after: string }>;
  },
): { title: string; body: string } {
  const { service, from, to, version } = options;
  const was = options.previousVersion ?? 'no version';
  const rollback = options.kind === 'rollback';
  const title = rollback
    ? `Roll back ${service} in ${to} to ${version}`
    : `Promote ${service} ${version} (${from} → ${to})`;
  let diff = options.files
    .map(f => unifiedDiff(f.path, f.before, f.after))
    .join('');
  if (diff.length > MAX_DIFF) {
    diff = `${diff.slice(0, MAX_DIFF)}\n… (cut; see the changed files)\n`;
  }
  // A fence longer than any run of backticks in the diff.
  const longest = Math.max(0, ...(diff.match(/`+/g) ?? []).map(m => m.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const body = [
    rollback
      ? `Rolls **${service}** in **${to}** back to **${version}** (it runs ${was}).`
      : `Promotes **${service}** **${version}** from **${from}** to **${to}** (${to} runs ${was}).`,
    '',
    `Requested by \`${options.requester}\` in Backstage. ${
      options.approval
        ? 'Another owner of the service approves it in Backstage, which merges it.'
        : 'An owner of the service merges it in Backstage.'
    }`,
    '',
    '### Changes',
    '',
    ...options.files.map(f => `- \`${f.path}\``),
    '',
    `${fence}diff`,
    diff.trimEnd(),
    fence,
    '',
    `Promotion-Id: ${options.id}`,
    '',
  ].join('\n');
  return { title, body };
}
