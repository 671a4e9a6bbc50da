#!/usr/bin/env bash
# The side-by-side benchmark (ours, Roadie's and the community's Argo CD backends, each in the
# same host backend: the app backend's plugin set; and that host without any of them) and the
# scale curve of ours on the simulated fleet; writes bench/results/. See bench/README.md.
#
#   bench/run.sh                # everything: 5 instances × 2,000 apps, then 100 → 10,000 (~15 min)
#   bench/run.sh --quick        # < 1 min: ours only, asserts call counts, the one-request page and
#                               # the 304s (also a unit test: bench/src/quickBench.test.ts); exit 1 if not
#   bench/run.sh --only side-by-side | --only scale   [--instances 5 --apps 2000 --duration 15 ...]
#   bench/run.sh --report-only  # the markdown and the SVG again from bench/results/*.json
#
# The backend under test is pinned to CPU 0 (`taskset -c`), the fleet and the load generator to
# CPU 1 (--backend-cpus / --bench-cpus; --no-pin leaves them alone). Two replicas on PostgreSQL +
# Redis are measured by bench/replicas/run.sh.
#
# Uses ports 7201-7204 (backends), 7211 (quick) and 7290-7291 (fleet control) on 127.0.0.1;
# every process it starts is stopped when it ends (or on Ctrl-C).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
GITOPS_SKIP_INSTALL="${GITOPS_SKIP_INSTALL:-}" source scripts/bootstrap.sh
source scripts/lib/processes.sh
trap stop_children EXIT INT TERM

node --require "$GITOPS_ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs" \
  bench/src/run.ts "$@" &
wait $!
