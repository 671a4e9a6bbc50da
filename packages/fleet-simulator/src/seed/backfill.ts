import { prng, unitHash } from '../util/random';
import {
  ENVIRONMENTS,
  SERVICES,
  SeedCommit,
  SeedEvent,
  Versions,
  alice,
  bob,
  carol,
  ci,
} from './layout';

/** The repository's first commit: ~90 days ago, so a 90-day DORA window has data throughout. */
export const BACKFILL_START_HOURS = 90 * 24;
/** Every backfilled event is older than this; SEED_COMMITS (the current state) start at 240 h. */
export const BACKFILL_END_HOURS = 246;

/**
 * Each service's versions before its current ones: `major.minor.x`, then `major.(minor+1).x`
 * from halfway, so every backfilled version sorts below the versions SEED_COMMITS deploy.
 */
export const RELEASE_LINES: Record<string, { major: number; minor: number }> = {
  'payments-api': { major: 1, minor: 0 }, // then 1.2.0
  'chores-api': { major: 1, minor: 8 }, // then 2.0.0
  'schedule-bot': { major: 0, minor: 6 }, // then 0.8.0
  'payments-ledger': { major: 0, minor: 2 }, // then 0.4.0
};

type Person = { name: string; email: string };
const PEOPLE: Person[] = [alice, bob, carol];
/** Who usually promotes a service to prod (and answers for it when it breaks). */
const OWNERS: Record<string, Person> = {
  'payments-api': alice,
  'payments-ledger': alice,
  'chores-api': bob,
  'schedule-bot': carol,
};

/** The longest a release's cycle takes: promotion up to 72 h later, then an incident's fix. */
const CYCLE_HOURS = 84;

type Incident = 'rollback' | 'revert' | 'fix-forward';

/**
 * The 80 days of history before SEED_COMMITS, oldest first and deterministic by `seed`: the
 * bootstrap commit, then per service a release to dev and staging roughly weekly (release-bot),
 * promoted to prod one to three days later by a person who syncs it 30–120 min after the commit,
 * now and then skipping a version. Each service has one bad prod release undone with an Argo CD
 * rollback (later reverted in git, with nothing left to sync), one fixed forward a few hours
 * later by a hotfix, and sometimes one reverted in git and synced. A service's events come from
 * its own PRNG, so adding a service leaves the others' history as it was.
 */
export function backfillEvents(seed: number): SeedEvent[] {
  const first: Versions = {};
  for (const s of SERVICES) {
    const line = RELEASE_LINES[s.name];
    const v = `${line.major}.${line.minor}.0`;
    first[s.name] = Object.fromEntries(ENVIRONMENTS.map(env => [env, v]));
  }
  const bootstrap: SeedCommit = {
    hoursAgo: BACKFILL_START_HOURS,
    author: alice,
    message: `Bootstrap gitops repo: ${SERVICES.map(s => s.name).join(
      ', ',
    )} with app-of-apps`,
    set: first,
    syncedBy: { username: 'admin', afterMinutes: 50 },
  };
  const events = SERVICES.flatMap(s => serviceHistory(s.name, seed));
  // Stable: events of one service at the same minute keep their causal order.
  events.sort((a, b) => b.hoursAgo - a.hoursAgo);
  return [bootstrap, ...events];
}

function serviceHistory(service: string, seed: number): SeedEvent[] {
  const rand = prng(Math.floor(unitHash(seed, service) * 2 ** 32));
  const between = (lo: number, hi: number) => lo + rand() * (hi - lo);
  const minutes = (lo: number, hi: number) => Math.round(between(lo, hi));
  const owner = OWNERS[service] ?? alice;
  const person = () =>
    rand() < 0.75 ? owner : PEOPLE[Math.floor(rand() * PEOPLE.length)];
  // Times are hours since the bootstrap commit, kept to whole minutes.
  const ago = (since: number) =>
    BACKFILL_START_HOURS - Math.round(since * 60) / 60;

  const releases: number[] = [];
  const last = BACKFILL_START_HOURS - BACKFILL_END_HOURS - CYCLE_HOURS;
  for (let t = between(36, 120); t <= last; t += between(6 * 24, 8 * 24))
    releases.push(t);
  const incidents = new Map<number, Incident>();
  const candidates = releases.map((_, k) => k).slice(1);
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  incidents.set(candidates[0], 'rollback');
  incidents.set(candidates[1], 'fix-forward');
  if (rand() < 0.5) incidents.set(candidates[2], 'revert');

  const line = RELEASE_LINES[service];
  let minor = line.minor;
  let patch = 0;
  const version = () => `${line.major}.${minor}.${patch}`;
  let prod = version();
  const events: SeedEvent[] = [];
  releases.forEach((t, k) => {
    if (k === Math.floor(releases.length / 2)) {
      minor++;
      patch = 0;
    } else patch++;
    const v = version();
    events.push({
      hoursAgo: ago(t),
      author: ci,
      message: `${service}: deploy ${v} to dev and staging`,
      set: { [service]: { dev: v, staging: v } },
    });
    const incident = incidents.get(k);
    if (!incident && rand() < 0.15) return; // superseded before anyone promoted it
    const by = person();
    const promotedAt = t + between(24, 72);
    const syncAfter = minutes(30, 120);
    const deployedAt = promotedAt + syncAfter / 60;
    const promotion = `${service}: promote ${v} to prod`;
    events.push({
      hoursAgo: ago(promotedAt),
      author: by,
      message: promotion,
      set: { [service]: { prod: v } },
      syncedBy: { username: by.email, afterMinutes: syncAfter },
    });
    const previous = prod;
    prod = v;
    if (incident === 'rollback') {
      const rolledBackAt = deployedAt + between(20, 90) / 60;
      events.push({
        hoursAgo: ago(rolledBackAt),
        rollback: `${service}-prod`,
        username: by.email,
      });
      // Git catches up with what runs: the revert renders what is live, so nothing syncs.
      events.push({
        hoursAgo: ago(rolledBackAt + between(1, 3)),
        author: by,
        message: `Revert "${promotion}"`,
        set: { [service]: { prod: previous } },
        notDeployed: [`${service}-prod`],
      });
      prod = previous;
    } else if (incident === 'revert') {
      events.push({
        hoursAgo: ago(deployedAt + between(30, 90) / 60),
        author: by,
        message: `Revert "${promotion}"`,
        set: { [service]: { prod: previous } },
        syncedBy: { username: by.email, afterMinutes: minutes(10, 30) },
      });
      prod = previous;
    } else if (incident === 'fix-forward') {
      patch++;
      const fix = version();
      events.push({
        hoursAgo: ago(deployedAt + between(2, 6)),
        author: by,
        message: `${service}: hotfix ${fix} (fix-forward of ${v}) to all environments`,
        set: { [service]: { dev: fix, staging: fix, prod: fix } },
        syncedBy: { username: by.email, afterMinutes: minutes(10, 30) },
      });
      prod = fix;
    }
  });
  return events;
}
