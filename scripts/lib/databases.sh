# PostgreSQL and Redis on loopback for the tests and benches that need them (source this file).
#
#   source scripts/lib/databases.sh
#   ensure_postgres   # exports GITOPS_PG_URL, POSTGRES_HOST/PORT/USER/PASSWORD
#   ensure_redis      # exports GITOPS_REDIS_URL, REDIS_URL
#   stop_databases    # stops what this shell started (a server that was already up is left alone)
#
# Each installs Debian's package with apt-get when missing (sudo when not root), then starts a
# throwaway server from a data directory under ${TMPDIR:-/tmp} (fsync off, nothing persisted
# that matters), listening on 127.0.0.1 only. Idempotent: a server already answering on the port
# is reused. PostgreSQL trusts every connection from loopback (user postgres, any password), so
# never point GITOPS_PG_PORT at a port reachable from elsewhere. Ports: GITOPS_PG_PORT (55432),
# GITOPS_REDIS_PORT (56379).

GITOPS_PG_PORT="${GITOPS_PG_PORT:-55432}"
GITOPS_REDIS_PORT="${GITOPS_REDIS_PORT:-56379}"
GITOPS_DB_ROOT="${GITOPS_DB_ROOT:-${TMPDIR:-/tmp}}"

_db_log() { echo "databases: $*" >&2; }

_db_apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  _db_log "installing $* with apt-get"
  $sudo apt-get update -qq || return 1
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null || return 1
}

# The newest installed PostgreSQL's bin directory (initdb and pg_ctl are not on PATH on Debian).
_pg_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

# Runs a PostgreSQL program as the owner of the data directory: postgres refuses to run as root.
_pg_run() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_pg_export() {
  export POSTGRES_HOST=127.0.0.1
  export POSTGRES_PORT="$GITOPS_PG_PORT"
  export POSTGRES_USER=postgres
  # Trust authentication ignores it; Backstage's config wants a value.
  export POSTGRES_PASSWORD=postgres
  export GITOPS_PG_URL="postgresql://postgres:postgres@127.0.0.1:$GITOPS_PG_PORT/postgres"
}

_pg_ready() {
  "$1/pg_isready" -q -h 127.0.0.1 -p "$GITOPS_PG_PORT" -t 1 >/dev/null 2>&1
}

ensure_postgres() {
  local bindir dir="$GITOPS_DB_ROOT/gitops-postgres-$GITOPS_PG_PORT" started=$SECONDS lock_fd
  bindir="$(_pg_bindir)"
  if [ -z "$bindir" ]; then
    _db_apt_install postgresql || return 1
    bindir="$(_pg_bindir)" || {
      _db_log "no initdb under /usr/lib/postgresql/*/bin after installing postgresql"
      return 1
    }
  fi
  # Two scripts starting at once must not both run initdb in the same directory.
  exec {lock_fd}>"$GITOPS_DB_ROOT/gitops-postgres-$GITOPS_PG_PORT.lock"
  flock "$lock_fd"
  if _pg_ready "$bindir"; then
    _pg_export
    flock -u "$lock_fd"
    exec {lock_fd}>&-
    return 0
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    _db_log "no 'postgres' OS user to run PostgreSQL as (the postgresql package creates it)"
    flock -u "$lock_fd"
    exec {lock_fd}>&-
    return 1
  fi
  # A directory left by a server that is gone (killed, machine restarted): start afresh.
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
  if ! _pg_run "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1; then
    _db_log "initdb failed:"
    cat "$dir/initdb.log" >&2
    flock -u "$lock_fd"
    exec {lock_fd}>&-
    return 1
  fi
  # Loopback only; the socket in the data directory (/var/run/postgresql may not exist);
  # durability off: these databases are thrown away. Two backend replicas hold many pools.
  local opts="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400"
  if ! _pg_run "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $GITOPS_PG_PORT -c unix_socket_directories=$dir $opts" \
    >/dev/null; then
    _db_log "PostgreSQL did not start:"
    tail -n 20 "$dir/postgres.log" >&2
    flock -u "$lock_fd"
    exec {lock_fd}>&-
    return 1
  fi
  GITOPS_PG_STARTED="$dir"
  _pg_export
  flock -u "$lock_fd"
  exec {lock_fd}>&-
  _db_log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$GITOPS_PG_PORT ($dir, $((SECONDS - started)) s)"
}

stop_postgres() {
  local dir="${GITOPS_PG_STARTED:-}" bindir
  [ -n "$dir" ] || return 0
  bindir="$(_pg_bindir)"
  _pg_run "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  unset GITOPS_PG_STARTED
}

_redis_ping() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -h 127.0.0.1 -p "$GITOPS_REDIS_PORT" ping 2>/dev/null)" = PONG ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$GITOPS_REDIS_PORT" && printf 'PING\r\n' >&3 &&
      read -r -t 2 reply <&3 && [ "${reply%$'\r'}" = +PONG ]) 2>/dev/null
  fi
}

ensure_redis() {
  local dir="$GITOPS_DB_ROOT/gitops-redis-$GITOPS_REDIS_PORT" waited=0
  command -v redis-server >/dev/null 2>&1 || _db_apt_install redis-server || return 1
  if ! _redis_ping; then
    rm -rf "$dir"
    mkdir -p "$dir"
    # No persistence, loopback only, daemonized with a pid file.
    redis-server --bind 127.0.0.1 --port "$GITOPS_REDIS_PORT" --save '' --appendonly no \
      --daemonize yes --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
      >/dev/null || return 1
    until _redis_ping; do
      sleep 0.1
      waited=$((waited + 1))
      if [ "$waited" -gt 100 ]; then
        _db_log "Redis not answering on 127.0.0.1:$GITOPS_REDIS_PORT after 10 s"
        return 1
      fi
    done
    GITOPS_REDIS_STARTED="$dir"
    _db_log "Redis on 127.0.0.1:$GITOPS_REDIS_PORT ($dir)"
  fi
  export GITOPS_REDIS_URL="redis://127.0.0.1:$GITOPS_REDIS_PORT"
  export REDIS_URL="$GITOPS_REDIS_URL"
}

stop_redis() {
  local dir="${GITOPS_REDIS_STARTED:-}" pid waited=0
  [ -n "$dir" ] || return 0
  pid="$(cat "$dir/redis.pid" 2>/dev/null)"
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 50 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
  fi
  rm -rf "$dir"
  unset GITOPS_REDIS_STARTED
}

stop_databases() {
  stop_postgres
  stop_redis
}
