#!/usr/bin/env bash
# The side-by-side benchmark (ours vs Roadie's and the community's Argo CD backends) and the
# scale curve on the simulated fleet; writes bench/results/. See bench/README.md.
#
#   bench/run.sh            # everything (~15 min on 2 cores)
#   bench/run.sh --quick    # seconds: ours only, asserts 0 Argo calls per page view; exit 1 if not
#   bench/run.sh --only side-by-side | --only scale   [--levels 1,10,100 --duration 36 --dwell 12]
#
# Uses ports 7201-7203 (backends), 7211 (quick) and 7290-7291 (fleet control) on 127.0.0.1;
# every process it starts is stopped when it ends (or on Ctrl-C).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
GITOPS_SKIP_INSTALL="${GITOPS_SKIP_INSTALL:-}" source scripts/bootstrap.sh
source scripts/lib/processes.sh
trap stop_children EXIT INT TERM

node --require "$GITOPS_ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs" \
  bench/src/run.ts "$@" &
wait $!
