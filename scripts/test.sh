#!/usr/bin/env bash
# Runs every check: type check, lint, formatting, all unit tests, and the Playwright e2e suite in
# Debian's Chromium against the built app served by the real backend on the simulated fleet.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS
step() { printf '\n== %s (%ds)\n' "$1" $((SECONDS - started)); }

step "toolchain and dependencies"
source scripts/bootstrap.sh
scripts/install-system-deps.sh

step "type check"
yarn tsc

step "lint"
yarn backstage-cli repo lint

step "formatting"
yarn prettier --check .

step "PostgreSQL on loopback (the promotion tests run on it as well as on SQLite)"
source scripts/lib/databases.sh
ensure_postgres
trap stop_databases EXIT
export BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING="$GITOPS_PG_URL"
export GITOPS_REQUIRE_POSTGRES=1

step "unit tests"
CI=true yarn backstage-cli repo test

step "e2e (Playwright, Chromium)"
yarn workspace app build >/dev/null
CI=true yarn playwright test

step "the start command (scripts/start.sh: up, then Ctrl-C leaves nothing)"
scripts/check-start.sh

step "all checks passed"
