#!/usr/bin/env bash
# Runs a command beside private PostgreSQL and MariaDB servers: installs Debian's
# `postgresql` and `mariadb-server` when missing, starts one instance of each on loopback
# (free ports, data and sockets in a temporary directory owned by this run, TLS with a
# throw-away CA, password authentication), waits until both answer, runs the command with
#   MIG_TEST_PG_URL        postgresql://mig:PASSWORD@127.0.0.1:PORT/mig_test
#   MIG_TEST_MARIADB_URL   mariadb://mig:PASSWORD@127.0.0.1:PORT/mig_test
#   MIG_TEST_CA            the CA file that signed both servers' certificates (CN localhost)
#   MIG_TEST_PASSWORD, MIG_TEST_PG_PORT, MIG_TEST_MARIADB_PORT   the same, in parts
# exported, and stops both servers whatever happens. A server that cannot start is an
# error (exit 1), never a silent skip: the tests that need it would fail anyway.
#
# Usage: tests/servers.sh COMMAND [ARG...]
#        tests/servers.sh --shell      (a shell with the variables set, to debug by hand)
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: tests/servers.sh COMMAND [ARG...] | --shell" >&2; exit 2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
  local missing=()
  for p in postgresql mariadb-server mariadb-client openssl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "servers: installing ${missing[*]}" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  # Debian starts the packaged services on install; ours are private, theirs are not needed.
  as_root service postgresql stop >/dev/null 2>&1 || true
  as_root service mariadb stop >/dev/null 2>&1 || true
}

# A port nobody listens on, from a range clear of the usual services.
free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  echo "servers: no free port found" >&2; return 1
}

install_missing

dir=$(mktemp -d /tmp/mig-servers.XXXXXX)
chmod 755 "$dir"
password="mig-pw-$RANDOM$RANDOM"
# PostgreSQL refuses to run as root: when we are root, its files belong to `postgres`.
pg_user=$(id -un); [ "$(id -u)" -eq 0 ] && pg_user=postgres
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_port=$(free_port)
my_port=$(free_port)
while [ "$my_port" = "$pg_port" ]; do my_port=$(free_port); done

stop_servers() {
  local status=$?
  [ -f "$dir/pg/data/postmaster.pid" ] && run_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -m immediate stop >/dev/null 2>&1 || true
  if [ -f "$dir/my.pid" ]; then
    kill "$(cat "$dir/my.pid")" 2>/dev/null || true
    for _ in $(seq 100); do [ -f "$dir/my.pid" ] || break; sleep 0.1; done
  fi
  if [ $status -ne 0 ] && [ -z "${MIG_SERVERS_QUIET:-}" ]; then
    for log in "$dir/pg/log" "$dir/my.err"; do
      [ -s "$log" ] && { echo "--- last lines of $log" >&2; tail -n 20 "$log" >&2; }
    done
  fi
  rm -rf "$dir"
  exit $status
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# A throw-away CA and one server certificate for localhost / 127.0.0.1, so that clients
# can test `sslmode=verify-full` and MariaDB's verified TLS for real.
make_certificates() {
  local c=$dir/tls
  mkdir -p "$c"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mig test CA" \
    -keyout "$c/ca.key" -out "$c/ca.crt" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$c/server.key" -out "$c/server.csr" >/dev/null 2>&1
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$c/ext.cnf"
  openssl x509 -req -in "$c/server.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" -CAcreateserial \
    -days 2 -extfile "$c/ext.cnf" -out "$c/server.crt" >/dev/null 2>&1
  chmod 644 "$c"/*.crt; chmod 600 "$c"/*.key
}

start_postgres() {
  # Everything of PostgreSQL's under $dir/pg, owned by the user it runs as.
  local pg=$dir/pg
  mkdir -p "$pg"
  cp "$dir/tls/server.crt" "$dir/tls/server.key" "$pg/"
  printf '%s\n' "$password" > "$pg/pw"
  [ "$(id -u)" -eq 0 ] && chown -R postgres "$pg"
  run_pg "$pg_bin/initdb" -D "$pg/data" -U mig --pwfile="$pg/pw" -A scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/pg.init.log" 2>&1 || { cat "$dir/pg.init.log" >&2; return 1; }
  cat >> "$pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pg'
ssl = on
ssl_cert_file = '$pg/server.crt'
ssl_key_file = '$pg/server.key'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  run_pg "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -t 60 start >/dev/null
  PGPASSWORD=$password "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U mig -d postgres \
    -c "CREATE DATABASE mig_test" >/dev/null
}

start_mariadb() {
  mkdir -p "$dir/my"
  local me; me=$(id -un)
  mariadb-install-db --no-defaults --datadir="$dir/my" --user="$me" \
    --auth-root-authentication-method=socket --skip-test-db >"$dir/my.init.log" 2>&1 \
    || { cat "$dir/my.init.log" >&2; return 1; }
  mariadbd --no-defaults --datadir="$dir/my" --user="$me" --port="$my_port" \
    --bind-address=127.0.0.1 --socket="$dir/my.sock" --pid-file="$dir/my.pid" \
    --log-error="$dir/my.err" --skip-name-resolve --local-infile=1 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --max-connections=300 \
    --max-allowed-packet=64M \
    --ssl-ca="$dir/tls/ca.crt" --ssl-cert="$dir/tls/server.crt" --ssl-key="$dir/tls/server.key" \
    >/dev/null 2>&1 &
  for _ in $(seq 300); do
    mariadb-admin --no-defaults --socket="$dir/my.sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  mariadb --no-defaults --socket="$dir/my.sock" -uroot <<EOF
CREATE DATABASE mig_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER 'mig'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER 'mig'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'mig'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'mig'@'localhost' WITH GRANT OPTION;
EOF
}

make_certificates
start_postgres || { echo "servers: PostgreSQL did not start" >&2; exit 1; }
start_mariadb || { echo "servers: MariaDB did not start" >&2; exit 1; }

export MIG_TEST_PG_URL="postgresql://mig:$password@127.0.0.1:$pg_port/mig_test"
export MIG_TEST_MARIADB_URL="mariadb://mig:$password@127.0.0.1:$my_port/mig_test"
export MIG_TEST_CA="$dir/tls/ca.crt"
export MIG_TEST_PASSWORD="$password" MIG_TEST_PG_PORT="$pg_port" MIG_TEST_MARIADB_PORT="$my_port"
echo "servers: PostgreSQL on 127.0.0.1:$pg_port, MariaDB on 127.0.0.1:$my_port" >&2

if [ "$1" = "--shell" ]; then
  "${SHELL:-bash}" -i
else
  "$@"
fi
