/**
 * c) Promotions sent to both replicas at once never interleave: six promotions of payments-api
 *    dev → staging (three through each replica) and one each of two other services, as the
 *    guest user. The lock of an entity + environment is in the shared database; git shows what
 *    landed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { request, round, waitFor, withToken } from './http';
import type { Replica } from './processes';
import { TOKEN } from './settings';

const exec = promisify(execFile);

export async function concurrentPromotions(options: {
  a: Replica;
  b: Replica;
  guest: string;
  bareRepo: string;
}) {
  const { a, b, guest, bareRepo } = options;
  for (const ref of ['bench/chores-api', 'bench/schedule-bot']) {
    await waitFor(
      `catalog entity ${ref}`,
      async () =>
        (
          await request(
            `${a.url}/api/catalog/entities/by-name/component/${ref}`,
            { headers: withToken(TOKEN) },
          )
        ).status === 200,
      60_000,
    );
  }
  const git = async (...args: string[]) =>
    (await exec('git', args, { cwd: bareRepo })).stdout.trim();
  const show = (file: string) => git('show', `main:${file}`);
  const beforeSha = await git('rev-parse', 'main');
  const promote = async (replica: Replica, ref: string) => {
    const answer = await request(
      `${replica.url}/api/gitops/entities/component/${ref}/promotions`,
      {
        method: 'POST',
        headers: withToken(guest),
        body: { from: 'dev', to: 'staging' },
        timeoutMs: 60_000,
      },
    );
    const json = JSON.parse(answer.body || '{}');
    return {
      entity: ref,
      via: replica.name,
      status: answer.status,
      ms: round(answer.ms),
      commitSha: json.commitSha as string | undefined,
      id: json.id as string | undefined,
      error: json.error?.message as string | undefined,
    };
  };
  const promotions = await Promise.all([
    ...Array.from({ length: 6 }, (_, i) =>
      promote(i % 2 ? b : a, 'default/payments-api'),
    ),
    promote(a, 'bench/chores-api'),
    promote(b, 'bench/schedule-bot'),
  ]);
  const history = (
    await git('rev-list', '--first-parent', `${beforeSha}..main`)
  )
    .split('\n')
    .filter(Boolean);
  const merges = await git('rev-list', '--merges', `${beforeSha}..main`);
  const landed = promotions.filter(p => p.status === 201);
  const registry = parseYaml(await show('registry/versions.yaml'));
  const overlayTag = async (service: string) =>
    String(
      parseYaml(
        await show(`apps/${service}/overlays/staging/kustomization.yaml`),
      ).images[0].newTag,
    );
  const files = {
    'apps/payments-api/overlays/staging': await overlayTag('payments-api'),
    'apps/chores-api/overlays/staging': await overlayTag('chores-api'),
    'charts/schedule-bot/values-staging': String(
      parseYaml(await show('charts/schedule-bot/values-staging.yaml')).image
        .tag,
    ),
    'registry payments-api staging': String(
      registry.services['payments-api'].staging.version,
    ),
    'registry chores-api staging': String(
      registry.services['chores-api'].staging.version,
    ),
    'registry schedule-bot staging': String(
      registry.services['schedule-bot'].staging.version,
    ),
  };
  const listedOnOtherReplica = JSON.parse(
    (
      await request(
        `${b.url}/api/gitops/entities/component/default/payments-api/promotions`,
        { headers: withToken(guest) },
      )
    ).body,
  ).items as Array<{ id: string; state: string }>;
  const checks = {
    everyLandedIsItsOwnCommit:
      landed.every(p => p.commitSha && history.includes(p.commitSha)) &&
      history.length === landed.length,
    linearHistory: merges === '',
    oneOfSixContestedLanded:
      landed.filter(p => p.entity === 'default/payments-api').length === 1,
    othersRefusedWithConflict: promotions
      .filter(p => p.status !== 201)
      .every(p => p.status === 409),
    independentLanded: ['bench/chores-api', 'bench/schedule-bot'].every(e =>
      landed.some(p => p.entity === e),
    ),
    noChangeLost:
      files['apps/payments-api/overlays/staging'] === '1.4.0' &&
      files['apps/chores-api/overlays/staging'] === '2.1.0' &&
      files['charts/schedule-bot/values-staging'] === '0.9.0' &&
      files['registry payments-api staging'] === '1.4.0' &&
      files['registry chores-api staging'] === '2.1.0' &&
      files['registry schedule-bot staging'] === '0.9.0',
    sharedDatabase:
      listedOnOtherReplica.filter(p => p.state === 'committed').length === 1 &&
      listedOnOtherReplica.filter(p => p.state === 'failed').length === 5,
  };
  return { requests: promotions, commits: history.length, files, checks };
}
