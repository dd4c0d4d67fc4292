#!/usr/bin/env bash
# Durable changes per second of `modstamp serve` with each store that makes a change durable before its M: SQLite,
# PostgreSQL 15 (fsync on) and MariaDB 10.11 (innodb_flush_log_at_trx_commit=1, every commit flushed), each a
# private server in a temporary directory on loopback. Server (and database) on core 0, `bench push` on core 1.
# Needs a built modstamp-cli (mvn -pl modstamp-cli -am package), Debian's postgresql-15 and mariadb-server; runs as
# root (the databases then run as their own users) or as any user; about 2 minutes. Prints one line per run.
set -u
D=$(mktemp -d)
chmod 755 "$D"
M="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/modstamp"
PG=/usr/lib/postgresql/15/bin
as() { if [ "$(id -u)" = 0 ]; then runuser -u "$1" -- "${@:2}"; else "${@:2}"; fi; }

mkdir -p "$D/pg" "$D/maria"; [ "$(id -u)" = 0 ] && chown postgres "$D/pg" && chown mysql "$D/maria"
as postgres "$PG/initdb" -D "$D/pg/data" -A trust -U postgres --no-sync -E UTF8 --locale C >/dev/null
as postgres "$PG/pg_ctl" -D "$D/pg/data" -w -l "$D/pg/log" -o "-c listen_addresses=127.0.0.1 -p 16500 -k $D/pg -c fsync=on" start >/dev/null
as postgres "$PG/psql" -h "$D/pg" -p 16500 -U postgres -qc "CREATE USER modstamp; GRANT ALL ON SCHEMA public TO modstamp"
mariadb-install-db --datadir="$D/maria/data" --auth-root-authentication-method=normal --skip-test-db \
  $([ "$(id -u)" = 0 ] && echo --user=mysql) >/dev/null 2>&1
taskset -c 0 /usr/sbin/mariadbd --no-defaults --datadir="$D/maria/data" --bind-address=127.0.0.1 --port=16501 \
  --socket="$D/maria/sock" --skip-log-bin --innodb-flush-log-at-trx-commit=1 --max-connections=200 \
  $([ "$(id -u)" = 0 ] && echo --user=mysql) > "$D/maria/log" 2>&1 &
for i in $(seq 100); do mariadb --no-defaults -S "$D/maria/sock" -u root -e "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
mariadb --no-defaults -S "$D/maria/sock" -u root -e "CREATE DATABASE modstamp; CREATE USER modstamp@'127.0.0.1'; GRANT ALL ON modstamp.* TO modstamp@'127.0.0.1'"
taskset -cp 0 "$(head -1 "$D/pg/data/postmaster.pid")" >/dev/null; for p in $(pgrep -P "$(head -1 "$D/pg/data/postmaster.pid")"); do taskset -cp 0 $p >/dev/null; done

run() { # name, producers, serve args...
  local name=$1 producers=$2; shift 2
  taskset -c 0 "$M" serve --listen 127.0.0.1:16400 "$@" > "$D/serve-$name.log" 2>&1 &
  local pid=$!
  sleep 4
  echo "$name, $producers producers: $(taskset -c 1 "$M" bench push --server 127.0.0.1:16400 --producers "$producers" --seconds 10 2>&1 | tail -1)"
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
}
for round in 1 2; do
  for producers in 1 200; do
    rm -f "$D/values.db"*
    run sqlite $producers --db "$D/values.db"
    run postgresql $producers --jdbc "jdbc:postgresql://127.0.0.1:16500/postgres?user=modstamp"
    run mariadb $producers --jdbc "jdbc:mariadb://127.0.0.1:16501/modstamp?user=modstamp"
  done
done
as postgres "$PG/pg_ctl" -D "$D/pg/data" -m fast -w stop >/dev/null
kill %1 2>/dev/null; wait
rm -rf "$D"
