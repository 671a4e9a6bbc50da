import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import type { Fleet } from '@internal/fleet-simulator';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  OWNER,
  STRANGER,
  startGitopsBackend,
  startTestFleet,
  type GitopsTestBackend,
} from '../__testUtils__/fleetBackend';

// Real servers (the simulated fleet, the backend, MCP over HTTP) on a shared machine.
jest.setTimeout(60_000);

const TOOLS = [
  'gitops.create-promotion',
  'gitops.explain',
  'gitops.get-history',
  'gitops.get-overview',
  'gitops.preview-promotion',
  'gitops.sync-application',
];

type ToolResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: any;
};

describe('the GitOps actions as MCP tools (the mcp-actions backend, an MCP client)', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let backend: GitopsTestBackend;
  const auditor = mockServices.auditor.mock();
  const clients: Client[] = [];

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
    backend = await startGitopsBackend({
      fleet,
      auditor,
      hiddenEntities: ['schedule-bot'],
      config: { backend: { actions: { pluginSources: ['gitops'] } } },
      extraFeatures: [mcpActionsPlugin],
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
    await backend?.stop();
    await cleanup?.();
  });

  /** An MCP client of the backend's endpoint, with the user's token as a static header. */
  const connect = async (user: string) => {
    const client = new Client({ name: 'gitops-test-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://localhost:${backend.server.port()}/api/mcp-actions/v1`),
        {
          requestInit: {
            headers: { Authorization: mockCredentials.user.header(user) },
          },
        },
      ),
    );
    clients.push(client);
    return client;
  };
  const call = async (
    user: string,
    name: string,
    args: Record<string, unknown>,
  ) =>
    (await (
      await connect(user)
    ).callTool({ name, arguments: args })) as ToolResult;
  const argoPosts = () =>
    Object.values(fleet.control.counts().argo)
      .flatMap(x => Object.keys(x))
      .filter(k => k.startsWith('POST'));
  const secrets = () =>
    fleet.argo.flatMap(a => [a.password, a.token].filter(Boolean) as string[]);

  it('lists the six gitops tools with their input schemas and attributes', async () => {
    const { tools } = await (await connect(STRANGER)).listTools();
    const gitops = tools.filter(t => t.name.startsWith('gitops.'));
    expect(gitops.map(t => t.name).sort()).toEqual(TOOLS);
    const byName = Object.fromEntries(gitops.map(t => [t.name, t]));
    expect(byName['gitops.get-overview'].inputSchema).toMatchObject({
      type: 'object',
      properties: { entityRef: { type: 'string' } },
      required: ['entityRef'],
    });
    expect(byName['gitops.sync-application'].inputSchema).toMatchObject({
      properties: {
        instance: { type: 'string' },
        application: { type: 'string' },
        prune: { type: 'boolean' },
        dryRun: { type: 'boolean' },
      },
      required: ['entityRef', 'instance', 'application'],
    });
    expect(byName['gitops.create-promotion'].inputSchema.required).toEqual([
      'entityRef',
      'from',
      'to',
    ]);
    for (const name of [
      'gitops.get-overview',
      'gitops.get-history',
      'gitops.explain',
      'gitops.preview-promotion',
    ]) {
      expect(byName[name].annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
      });
    }
    for (const name of ['gitops.sync-application', 'gitops.create-promotion']) {
      expect(byName[name].annotations).toMatchObject({
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
      });
    }
  });

  it("answers get-overview with payments-api's environments, applications and the caller's permissions", async () => {
    const result = await call(OWNER, 'gitops.get-overview', {
      entityRef: 'component:default/payments-api',
    });
    expect(result.isError).toBeFalsy();
    const overview = result.structuredContent;
    expect(overview.entityRef).toBe('component:default/payments-api');
    expect(overview.environments.map((e: any) => [e.name, e.version])).toEqual([
      ['dev', '1.4.0'],
      ['staging', '1.3.2'],
      ['prod', '1.3.0'],
    ]);
    expect(overview.environments[2].applications[0]).toMatchObject({
      instance: 'argocd-prod',
      name: 'payments-api-prod',
      environment: 'prod',
      sync: 'OutOfSync',
      autoSync: false,
      images: ['registry.example.com/payments-api:1.3.0'],
    });
    expect(overview.permissions).toMatchObject({ sync: true, promote: true });
    expect(overview.sources.every((s: any) => s.status === 'ok')).toBe(true);
    // The text an agent reads is the same JSON, and holds no Argo CD password or token.
    expect(JSON.parse(result.content[0].text!)).toEqual(overview);
    for (const secret of secrets()) {
      expect(result.content[0].text).not.toContain(secret);
    }

    const stranger = await call(STRANGER, 'gitops.get-overview', {
      entityRef: 'payments-api',
    });
    expect(stranger.structuredContent.permissions).toMatchObject({
      sync: false,
      promote: false,
    });
  });

  it('answers NotFoundError for an entity the policy hides from the caller', async () => {
    const result = await call(OWNER, 'gitops.get-overview', {
      entityRef: 'component:default/schedule-bot',
    });
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toBe(
      'NotFoundError: Entity component:default/schedule-bot not found',
    );
  });

  it('names the field of a bad or missing input in the error the agent reads', async () => {
    const bad = await call(OWNER, 'gitops.get-overview', { entityRef: 'a b' });
    expect(bad.isError).toBe(true);
    expect(bad.content[0].text).toMatch(
      /^InputError: Invalid input\.entityRef\.name: /,
    );
    const missing = await call(OWNER, 'gitops.sync-application', {
      entityRef: 'payments-api',
      application: 'payments-api-prod',
    });
    expect(missing.isError).toBe(true);
    expect(missing.content[0].text).toMatch(
      /^InputError: Invalid input to action "gitops:sync-application"; caused by [^]*"path": \[\s*"instance"\s*\]/,
    );
    const unknown = await call(OWNER, 'gitops.sync-application', {
      entityRef: 'payments-api',
      instance: 'argocd-prod',
      application: 'payments-api-prod',
      force: true,
    });
    expect(unknown.isError).toBe(true);
    expect(unknown.content[0].text).toMatch(/unrecognized_keys[^]*"force"/);
  });

  it('refuses sync-application to a non-owner, audits the refusal, and asks Argo CD nothing', async () => {
    fleet.control.resetCounts();
    auditor.createEvent.mockClear();
    const result = await call(STRANGER, 'gitops.sync-application', {
      entityRef: 'component:default/payments-api',
      instance: 'argocd-prod',
      application: 'payments-api-prod',
    });
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toBe(
      'NotAllowedError: Not allowed to sync applications of component:default/payments-api',
    );
    expect(argoPosts()).toEqual([]);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'application-action',
        meta: expect.objectContaining({
          action: 'sync',
          entityRef: 'component:default/payments-api',
          actor: STRANGER,
          via: 'actions-registry',
        }),
      }),
    );
    const event = await auditor.createEvent.mock.results.find(
      (_, i) =>
        auditor.createEvent.mock.calls[i][0].eventId === 'application-action',
    )!.value;
    expect(event.fail).toHaveBeenCalledWith({
      error: expect.objectContaining({ name: 'NotAllowedError' }),
    });
  });

  it('syncs for the owner: Argo CD starts the operation, and get-overview shows it', async () => {
    fleet.control.resetCounts();
    const result = await call(OWNER, 'gitops.sync-application', {
      entityRef: 'component:default/payments-api',
      instance: 'argocd-prod',
      application: 'payments-api-prod',
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      application: {
        instance: 'argocd-prod',
        name: 'payments-api-prod',
        operation: { kind: 'sync', phase: 'Running' },
      },
      prune: false,
      dryRun: false,
    });
    expect(argoPosts().length).toBeGreaterThan(0);
    const app = fleet.internals.instances[1].apps.get('payments-api-prod')!;
    expect(app.obj.operation.sync).toBeDefined();
    const overview = await call(OWNER, 'gitops.get-overview', {
      entityRef: 'payments-api',
    });
    const prod = overview.structuredContent.environments[2];
    expect(prod.applications[0].operation.phase).toBe('Running');
    await fleet.clock.advance(20_000);
  });
});
