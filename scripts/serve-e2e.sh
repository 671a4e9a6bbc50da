#!/usr/bin/env bash
# What the Playwright run tests: the built app served by the real backend on :7007, on the
# simulated fleet. Playwright starts and stops it (see playwright.config.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
GITOPS_SKIP_INSTALL=1 source scripts/bootstrap.sh
source scripts/lib/processes.sh
trap stop_children EXIT INT TERM

[ -f packages/app/dist/index.html ] || yarn workspace app build
start_fleet
cd packages/backend
# What `backstage-cli package start` runs, minus its file watcher: a test run must not restart
# the backend when a file changes. Development mode, so guest sign-in works.
NODE_ENV=development node --enable-source-maps \
  --require "$GITOPS_ROOT/node_modules/@backstage/cli-node/config/nodeTransform.cjs" \
  src/index \
  --config "$GITOPS_ROOT/app-config.yaml" \
  --config "$GITOPS_FLEET_CONFIG" \
  --config "$GITOPS_ROOT/app-config.e2e.yaml" &
wait
