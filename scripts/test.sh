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

step "unit tests"
CI=true yarn backstage-cli repo test

step "e2e (Playwright, Chromium)"
yarn workspace app build >/dev/null
CI=true yarn playwright test

step "the start command (scripts/start.sh: up, then Ctrl-C leaves nothing)"
scripts/check-start.sh

step "all checks passed"
