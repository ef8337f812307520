#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL and Redis server.
#
# Usage: scripts/with-services.sh COMMAND [ARGS...]
#
# Starts a private PostgreSQL cluster and a Redis server, each on a free port
# on 127.0.0.1, exports DATABASE_URL and REDIS_URL, runs COMMAND, then stops
# both servers and removes their temporary directory (on success, failure,
# Ctrl-C and SIGTERM). Exits with COMMAND's exit code.
#
# When run as root and PostgreSQL or Redis is missing, installs it with
# apt-get. PostgreSQL refuses to run as root, so as root the cluster is run
# as the "postgres" system user.

set -euo pipefail

log() { printf 'with-services: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

is_root=false
if [ "$(id -u)" -eq 0 ]; then
    is_root=true
fi

# apt-get is chatty even with -qq: keep its output, show it only on failure.
apt_install() {
    local out
    out=$(mktemp)
    log "installing $* with apt-get"
    if ! { apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >"$out" 2>&1; then
        cat "$out" >&2
        rm -f "$out"
        die "apt-get install $* failed"
    fi
    rm -f "$out"
}

# --- state used by cleanup ------------------------------------------------
workdir=""
pg_bin=""
pg_data=""
pg_started=false
redis_pid=""

# Run a PostgreSQL server binary: as "postgres" when we are root, else as
# ourselves. Runs from the work dir so postgres never has to access our cwd.
as_pg() {
    if $is_root; then
        (cd "$workdir" && runuser -u postgres -- "$@")
    else
        (cd "$workdir" && "$@")
    fi
}

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    if [ -n "$redis_pid" ]; then
        kill "$redis_pid" 2>/dev/null
        wait "$redis_pid" 2>/dev/null
    fi
    if $pg_started && [ -f "$pg_data/postmaster.pid" ]; then
        as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 ||
            log "warning: could not stop PostgreSQL (data dir $pg_data)"
    fi
    if [ -n "$workdir" ] && [ -d "$workdir" ]; then
        rm -rf "$workdir"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Print N distinct free TCP ports on 127.0.0.1 (one per line).
free_ports() {
    python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
    s.close()
EOF
}

# --- locate / install PostgreSQL -------------------------------------------
find_pg_bin() {
    local dir
    dir=$(
        for d in /usr/lib/postgresql/*/bin; do
            if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then
                echo "$d"
            fi
        done | sort -V | tail -n 1
    )
    printf '%s' "$dir"
}

pg_bin=$(find_pg_bin)
if [ -z "$pg_bin" ]; then
    if $is_root; then
        apt_install postgresql
        pg_bin=$(find_pg_bin)
    fi
    [ -n "$pg_bin" ] ||
        die "PostgreSQL server binaries (pg_ctl, initdb) not found under /usr/lib/postgresql/*/bin: install them with \`sudo apt-get install postgresql\`"
fi
pg_version=$(basename "$(dirname "$pg_bin")")

# --- locate / install Redis --------------------------------------------------
if ! command -v redis-server >/dev/null 2>&1; then
    if $is_root; then
        apt_install redis-server
    fi
    command -v redis-server >/dev/null 2>&1 ||
        die "redis-server is missing: install it with \`sudo apt-get install redis-server\`"
fi

if $is_root; then
    getent passwd postgres >/dev/null ||
        die "running as root but there is no 'postgres' system user to run PostgreSQL as"
    # Under /tmp (not $TMPDIR) so that the postgres user can reach it.
    workdir=$(mktemp -d /tmp/with-services.XXXXXX)
    chown postgres: "$workdir"
else
    workdir=$(mktemp -d "${TMPDIR:-/tmp}/with-services.XXXXXX")
fi
chmod 700 "$workdir"

{
    read -r pg_port
    read -r redis_port
} < <(free_ports 2)

# --- PostgreSQL ------------------------------------------------------------
pg_data="$workdir/pgdata"
pg_log="$workdir/postgresql.log"
pg_sock="$workdir"

if ! as_pg "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres \
    --encoding UTF8 --locale C.UTF-8 >"$workdir/initdb.log" 2>&1; then
    cat "$workdir/initdb.log" >&2
    die "initdb failed"
fi

pg_started=true # from here on, cleanup tries to stop it
if ! as_pg "$pg_bin/pg_ctl" -D "$pg_data" -w -t 60 -l "$pg_log" start \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null 2>&1; then
    log "PostgreSQL failed to start; its log follows:"
    cat "$pg_log" >&2 2>/dev/null || true
    die "could not start PostgreSQL $pg_version"
fi

"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres portal ||
    die "could not create database 'portal'"

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/portal"
log "PostgreSQL $pg_version on 127.0.0.1:$pg_port"

# --- Redis -----------------------------------------------------------------
redis_log="$workdir/redis.log"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' \
    --appendonly no --daemonize no --dir "$workdir" \
    >"$redis_log" 2>&1 &
redis_pid=$!

redis_ping() {
    if command -v redis-cli >/dev/null 2>&1; then
        [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = "PONG" ]
    else
        python3 - "$redis_port" <<'EOF' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
s.sendall(b"PING\r\n")
sys.exit(0 if s.recv(64).startswith(b"+PONG") else 1)
EOF
    fi
}

deadline=$((SECONDS + 20))
until redis_ping; do
    if ! kill -0 "$redis_pid" 2>/dev/null; then
        cat "$redis_log" >&2
        redis_pid=""
        die "redis-server exited during startup"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        cat "$redis_log" >&2
        die "redis-server did not answer PING within 20s"
    fi
    sleep 0.1
done

export REDIS_URL="redis://127.0.0.1:$redis_port/0"
log "Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') on 127.0.0.1:$redis_port"

# --- run the command ---------------------------------------------------------
set +e
"$@"
rc=$?
set -e
exit "$rc"
