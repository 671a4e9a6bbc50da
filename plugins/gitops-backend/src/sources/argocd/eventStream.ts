import { UpstreamError } from '../../util/errors';
import {
  argoStreamErrorSchema,
  argoStreamEventSchema,
  type ArgoApplication,
} from './schemas';
import { TimeSlice } from '../../util/eventLoop';

export type ArgoStreamEvent = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  application: ArgoApplication;
};

const WHERE = 'GET /api/v1/stream/applications';

/**
 * Reads the messages of Argo CD's application stream: one JSON object per line, as server-sent
 * events (`data: {...}`) or plain lines, with keepalive comments (`:`) in between. A message
 * that is not JSON, not of the expected shape, or the gateway's `{"error": ...}` chunk ends the
 * read with an UpstreamError: events may have been lost, so the caller re-lists.
 */
export async function readEventStream(
  body: AsyncIterable<Uint8Array>,
  onEvent: (event: ArgoStreamEvent) => void,
  options: { sliceMs?: number } = {},
): Promise<void> {
  const sliceMs = options.sliceMs ?? 8;
  const decoder = new TextDecoder();
  let buffer = '';
  const slice = new TimeSlice(sliceMs);
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      handleLine(line, onEvent);
      if (slice.spent) await slice.next();
      newline = buffer.indexOf('\n');
    }
  }
}

function handleLine(raw: string, onEvent: (event: ArgoStreamEvent) => void) {
  const line = raw.trim();
  // Blank lines end an SSE message; `:` lines are keepalives; `event:`/`id:` fields are unused.
  if (!line || line.startsWith(':') || /^(event|id|retry):/.test(line)) return;
  const text = line.startsWith('data:') ? line.slice(5).trim() : line;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UpstreamError(
      `${WHERE} sent a malformed message (${text.length} bytes)`,
      200,
      'malformed',
    );
  }
  const failure = argoStreamErrorSchema.safeParse(json);
  if (failure.success) {
    throw new UpstreamError(
      `${WHERE} failed: ${
        failure.data.error.message?.slice(0, 200) ?? 'stream error'
      }`,
      failure.data.error.http_code ?? undefined,
      'unreachable',
    );
  }
  const parsed = argoStreamEventSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UpstreamError(
      `${WHERE} sent a message of an unexpected shape at ${
        issue?.path.join('.') || '(root)'
      }`,
      200,
      'malformed',
    );
  }
  const { type, application } = parsed.data.result;
  if (type === 'BOOKMARK') return;
  if (type === 'ERROR') {
    throw new UpstreamError(`${WHERE} sent an ERROR event`, 200, 'unreachable');
  }
  onEvent({ type, application });
}
