#!/usr/bin/env bash
# Starts the portal — frontend on http://localhost:3000, backend on http://localhost:7007 — on the
# embedded simulated fleet. Ctrl-C stops everything it started.
#   GITOPS_FLEET=off scripts/start.sh   # without the fleet, e.g. with your own app-config.local.yaml
#   GITOPS_FLEET_ARGS=--plain-http scripts/start.sh   # the fleet on plain HTTP (it is HTTPS with a
#                                                     # throwaway CA, .fleet/fleet-ca.pem, by default)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh
source scripts/lib/processes.sh
trap stop_children EXIT INT TERM

configs=(--config "$GITOPS_ROOT/app-config.yaml")
if [ "${GITOPS_FLEET:-on}" != off ]; then
  # shellcheck disable=SC2086 # flags of fleet-simulator start, split on spaces
  start_fleet ${GITOPS_FLEET_ARGS:-}
  configs+=(--config "$GITOPS_FLEET_CONFIG")
fi
if [ -f app-config.local.yaml ]; then configs+=(--config "$GITOPS_ROOT/app-config.local.yaml"); fi

echo "Starting the portal: open http://localhost:3000 and sign in as guest."
yarn start "${configs[@]}" &
wait
