#!/usr/bin/env bash
# Two replicas of the backend on PostgreSQL + Redis behind a round-robin proxy, on the simulated
# fleet: refresh once per interval, shared cache, promotions that never interleave, and a kill -9
# of one replica under load. Writes bench/results/replicas.{md,json}. About 2 minutes.
#
#   bench/replicas/run.sh
#
# Installs PostgreSQL and Redis with apt-get when missing and starts throwaway servers on
# 127.0.0.1:55432 / :56379 (scripts/lib/databases.sh), unless they already run there. Ports
# 7100-7103 and 7191-7199 on 127.0.0.1 (BENCH_PORT_BASE=7100 moves them). Everything it starts
# is stopped when it ends, on Ctrl-C too; its databases (prefix bench_replicas_<n>_) are dropped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
GITOPS_SKIP_INSTALL="${GITOPS_SKIP_INSTALL:-}" source scripts/bootstrap.sh
source scripts/lib/processes.sh
source scripts/lib/databases.sh

export BENCH_WORK
BENCH_WORK="$(mktemp -d "${TMPDIR:-/tmp}/bench-replicas-XXXXXX")"
export BENCH_DB_PREFIX="bench_replicas_$$_"
export BENCH_REDIS_DB="${BENCH_REDIS_DB:-9}"
export GITOPS_REDIS_PORT GITOPS_ROOT

cleanup() {
  stop_children
  if [ -n "${GITOPS_PG_URL:-}" ]; then
    for db in $(psql "$GITOPS_PG_URL" -Atc \
      "select datname from pg_database where datname like '${BENCH_DB_PREFIX}%'" 2>/dev/null); do
      psql "$GITOPS_PG_URL" -qc "drop database if exists \"$db\" with (force)" >/dev/null 2>&1 || true
    done
  fi
  stop_databases
  rm -rf "$BENCH_WORK"
}
trap cleanup EXIT INT TERM

started=$SECONDS
ensure_postgres
ensure_redis
echo "PostgreSQL and Redis ready in $((SECONDS - started)) s"

node --require "$GITOPS_ROOT/node_modules/@backstage/cli-node/config/nodeTransform.cjs" \
  bench/replicas/bench.ts &
wait $!
