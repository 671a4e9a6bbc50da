/*
 * What `gitops:environment:promote` tells the template: the task log lines (preview, diff,
 * gates, state) and the step outputs, for a preview or a promotion record.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  GateResult,
  PromotionPreview,
  PromotionRecord,
} from '@internal/backstage-plugin-gitops-common';

/** The part of the action context the helpers use. */
export type PromoteContext = {
  logger: LoggerService;
  output(name: string, value: unknown): void;
  signal?: AbortSignal;
};

/** The promotion a run ends with. */
export type Outcome = {
  promotion: PromotionRecord;
  /** False when an existing promotion was returned. */
  created: boolean;
  diff?: string;
};

/** Why a preview is blocked: the failed gates and the promotion waiting in a pull request. */
export function blockedReasons(preview: PromotionPreview): string {
  const reasons = preview.gates
    .filter(g => g.status === 'failed')
    .map(g => `gate ${g.gate} failed: ${g.message}`);
  if (preview.waiting) {
    reasons.push(
      `promotion ${preview.waiting.id} of ${preview.waiting.version} to ${preview.to} is waiting (${preview.waiting.state}, requested by ${preview.waiting.requester}); merge or close it first`,
    );
  }
  return reasons.join('; ') || 'blocked';
}

/** The preview's unified diff, all files. */
export function joinDiff(preview: PromotionPreview): string {
  return preview.files.map(f => f.diff).join('');
}

function logGates(ctx: PromoteContext, gates: GateResult[]) {
  for (const g of gates) {
    const line = `Gate ${g.gate}: ${g.status}${
      g.message ? ` (${g.message})` : ''
    }`;
    if (g.status === 'failed') ctx.logger.warn(line);
    else ctx.logger.info(line);
  }
}

export function logPreview(ctx: PromoteContext, preview: PromotionPreview) {
  ctx.logger.info(
    `Preview of ${preview.entityRef} ${preview.version} from ${
      preview.from
    } to ${preview.to} (${preview.to} runs ${
      preview.previousVersion ?? 'no version'
    }), mode ${preview.mode}${
      preview.approvalRequired ? ', needs the approval of another owner' : ''
    }`,
  );
  for (const file of preview.files) ctx.logger.info(file.diff);
  logGates(ctx, preview.gates);
  if (preview.blocked) {
    ctx.logger.warn(`Blocked: ${blockedReasons(preview)}`);
  }
}

export function outputPreview(ctx: PromoteContext, preview: PromotionPreview) {
  ctx.output('id', preview.id);
  ctx.output('state', 'previewed');
  ctx.output('version', preview.version);
  if (preview.previousVersion) {
    ctx.output('previousVersion', preview.previousVersion);
  }
  ctx.output('mode', preview.mode);
  if (preview.branch) ctx.output('branch', preview.branch);
  ctx.output(
    'files',
    preview.files.map(f => f.path),
  );
  ctx.output('diff', joinDiff(preview));
  ctx.output('gates', preview.gates);
  ctx.output('blocked', preview.blocked);
  ctx.output('created', false);
}

export function outputRecord(
  ctx: PromoteContext,
  promotion: PromotionRecord,
  outcome: Outcome,
) {
  ctx.output('id', promotion.id);
  ctx.output('state', promotion.state);
  ctx.output('version', promotion.version);
  if (promotion.previousVersion) {
    ctx.output('previousVersion', promotion.previousVersion);
  }
  ctx.output('mode', promotion.mode);
  if (promotion.commitSha) ctx.output('commitSha', promotion.commitSha);
  if (promotion.prUrl) ctx.output('pullRequestUrl', promotion.prUrl);
  if (promotion.branch) ctx.output('branch', promotion.branch);
  ctx.output('files', promotion.files);
  if (outcome.diff !== undefined) ctx.output('diff', outcome.diff);
  ctx.output('gates', promotion.gateResults);
  ctx.output('created', outcome.created);
}

/** `state (where)`, plus a hint when another owner has to approve. */
export function describe(p: PromotionRecord): string {
  const where = p.prUrl ?? p.branch ?? p.commitSha;
  return `${p.state}${where ? ` (${where})` : ''}${
    p.state === 'awaiting-approval'
      ? '; another owner of the service approves it in the GitOps tab'
      : ''
  }`;
}
