# Helpers shared by the start and e2e scripts: the simulated fleet and clean shutdown.

# Kills a process and all its descendants (deepest first), so Ctrl-C leaves nothing behind.
kill_tree() {
  local pid=$1 child
  for child in $(pgrep -P "$pid" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$pid" 2>/dev/null || true
}

stop_children() {
  trap - EXIT INT TERM
  local child
  for child in $(pgrep -P $$ 2>/dev/null); do kill_tree "$child"; done
  wait 2>/dev/null || true
}

# Starts the simulated fleet (Argo CD, cost and Kubernetes/Velero servers over a real git repo)
# in the background and waits until it has written the app-config fragment that points at it.
start_fleet() {
  local dir="$GITOPS_ROOT/.fleet"
  local config="$dir/app-config.fleet.yaml"
  mkdir -p "$dir"
  rm -f "$config"
  "$GITOPS_ROOT/packages/fleet-simulator/bin/fleet-simulator" start \
    --dir "$dir" --config-out "$config" "$@" &
  local pid=$! waited=0
  until [ -s "$config" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "fleet simulator exited before it was ready" >&2
      return 1
    fi
    sleep 0.2
    waited=$((waited + 1))
    if [ "$waited" -gt 300 ]; then
      echo "fleet simulator not ready after 60 s" >&2
      return 1
    fi
  done
  GITOPS_FLEET_CONFIG="$config"
}
