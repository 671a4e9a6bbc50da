#!/usr/bin/env bash
# Proves the README's start command: scripts/start.sh brings up the backend (/api/gitops/health)
# and the frontend on the simulated fleet (HTTPS: every source of payments-api reads), and
# Ctrl-C (SIGINT to its process group) leaves no process and no listening port behind. Part of
# scripts/test.sh.
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

# The embedded fleet serves HTTPS with its throwaway CA (.fleet/fleet-ca.pem), which the backend
# trusts through the fragment's caCert: every source of payments-api's overview reads.
GITOPS_SKIP_INSTALL=1 source scripts/bootstrap.sh >/dev/null
if ! grep -q 'url: https://' .fleet/app-config.fleet.yaml || [ ! -s .fleet/fleet-ca.pem ]; then
  echo "the embedded fleet does not serve HTTPS (.fleet/app-config.fleet.yaml)" >&2
  exit 1
fi
token=$(curl -sf 'localhost:7007/api/auth/guest/refresh?env=development' \
  -H 'x-requested-with: XMLHttpRequest' |
  node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).backstageIdentity.token)')
sources_ok() {
  curl -sf localhost:7007/api/gitops/entities/component/default/payments-api/overview \
    -H "authorization: Bearer $token" | node -e '
      const s = JSON.parse(require("fs").readFileSync(0, "utf8")).sources;
      console.log(s.map(x => `${x.provider} ${x.name} ${x.status}${x.error ? `: ${x.error}` : ""}`).join(", "));
      process.exit(s.length > 0 && s.every(x => x.status === "ok") ? 0 : 1);' 2>/dev/null
}
checked=$SECONDS
until sources=$(sources_ok); do
  if [ $((SECONDS - checked)) -gt 60 ]; then
    echo "payments-api's sources not all ok on the HTTPS fleet after 60 s: $sources" >&2
    exit 1
  fi
  sleep 1
done
echo "start.sh: on the HTTPS fleet, every source of payments-api ok ($sources)"

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
