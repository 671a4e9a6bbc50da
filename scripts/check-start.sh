#!/usr/bin/env bash
# Proves the README's start command: scripts/start.sh brings up the backend (/api/gitops/health)
# and the frontend on the simulated fleet, and Ctrl-C (SIGINT to its process group) leaves no
# process and no listening port behind. Part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for port in 3000 7007; do
  if curl -s -o /dev/null "localhost:$port"; then
    echo "port $port is already in use: stop the running portal first" >&2
    exit 1
  fi
done
log=$(mktemp)
setsid bash scripts/start.sh >"$log" 2>&1 &
leader=$!
cleanup() { kill -KILL -- -"$leader" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT

started=$SECONDS
until curl -sf localhost:7007/api/gitops/health | grep -q '"ok"' && curl -sf localhost:3000 | grep -q '<html'; do
  if ! kill -0 "$leader" 2>/dev/null; then
    echo "start.sh exited early:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
  if [ $((SECONDS - started)) -gt 240 ]; then
    echo "portal not up after 240 s:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
  sleep 1
done
echo "start.sh: backend health ok and frontend served after $((SECONDS - started)) s"

kill -INT -- -"$leader"
stopped=$SECONDS
while pgrep -g "$leader" >/dev/null 2>&1; do
  if [ $((SECONDS - stopped)) -gt 30 ]; then
    echo "processes left 30 s after Ctrl-C:" >&2
    pgrep -a -g "$leader" >&2
    exit 1
  fi
  sleep 0.5
done
for port in 3000 7007; do
  if curl -s -o /dev/null "localhost:$port"; then
    echo "port $port still answers after Ctrl-C" >&2
    exit 1
  fi
done
echo "start.sh: Ctrl-C stopped everything in $((SECONDS - stopped)) s; no process or port left"
