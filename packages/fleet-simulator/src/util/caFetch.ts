import { Agent } from 'undici';

const agents = new Map<string, Agent>();

/**
 * Node's `fetch` trusting `ca`, the fleet's CA when it serves HTTPS (an undici Agent with that CA
 * as the dispatcher, one per CA, kept until `closeCaFetch`); plain `fetch` without one. For the
 * fleet's clients outside the product: tests and the bench.
 */
export function caFetch(
  ca: string | undefined,
  input: string | URL,
  init: RequestInit = {},
): Promise<Response> {
  if (!ca) return fetch(input, init);
  let agent = agents.get(ca);
  if (!agent) {
    agent = new Agent({ connect: { ca } });
    agents.set(ca, agent);
  }
  return fetch(input, { ...init, dispatcher: agent } as RequestInit);
}

/** Closes the connections `caFetch` keeps for `ca`. */
export async function closeCaFetch(ca: string | undefined) {
  const agent = ca ? agents.get(ca) : undefined;
  if (ca) agents.delete(ca);
  await agent?.destroy();
}
