#!/usr/bin/env bash
# Runs every benchmark recorded in BENCHMARKS.md: server pinned to core 0, load generator to core 1, except
# the latency and kernel-timed fan-out sections (they say why); loopback only. Takes about 4 minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -DskipTests -pl modstamp-cli,modstamp-benchmarks -am package
source modstamp-benchmarks/common.sh
port=14150

serve() { # serve ARGS...: start a server (on core 0 unless server_cpus says otherwise) and wait until it listens
  taskset -c "${server_cpus:-0}" java -jar "$jar" serve --listen 127.0.0.1:$port "$@" > "$work/server.log" 2>&1 &
  server=$!
  started "$work/server.log"
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; }
# The fan-outs' listeners all sit in 127.1.0.0/24, which the default abuse limits hold to 10,000 Signals a second:
# their servers count every address as a network of its own, with no Signal budget to speak of
unlimited=(--ipv4-prefix 32 --signals-per-second 10000000)
bench() { taskset -c 1 java -jar "$jar" bench "$@" --server 127.0.0.1:$port 2>&1 | grep -E '^(qr|fanout|push|latency|listen-ids):'; }

echo "== machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | sed -n 1p)"
echo "== raw UDP limit: bare echo loop on one DatagramChannel"
taskset -c 0 java -jar "$jar" bench echo --listen 127.0.0.1:$port > "$work/echo.log" 2>&1 & server=$!; sleep 1
bench qr --ports 1000 --window 4 --seconds 10; stop

echo "== Query/Reply, 1000 client ports"
serve --memory
bench qr --ports 1000 --window 4 --seconds 10
bench qr --ports 1000 --window 1 --seconds 10
stop

for io in EPOLL NIO; do
  echo "== fan-out to 10,000 listeners, --io $io"
  serve --memory --io $io --debug "${unlimited[@]}"
  bench fanout --listeners 10000 --rounds 10
  grep -o 'sent [0-9]* datagrams in [0-9.]* ms' "$work/server.log" | tail -10 | awk '{s+=$5; n++} END {printf "server side: mean %.1f ms to send the last Signal (%d rounds)\n", s/n, n}'
  stop
done

echo "== fan-out to 100,000 listeners, --io EPOLL"
serve --memory --debug "${unlimited[@]}"
bench fanout --listeners 100000 --per-socket 250 --rounds 5 --warmup 2
grep -o 'sent [0-9]* datagrams in [0-9.]* ms' "$work/server.log" | tail -5 | awk '{s+=$5; n++} END {printf "server side: mean %.1f ms to send the last Signal (%d rounds)\n", s/n, n}'
stop

echo "== durable changes (SQLite, synchronous=FULL)"
serve --db "$work/bench.db"
bench push --producers 200 --seconds 10
bench push --producers 1 --seconds 5
echo "== client library: one client listening to 10,000 ids (SQLite server)"
bench listen-ids --ids 10000
stop

# The push-to-listener path has several threads on each side (generator: pusher, listener loop, measuring
# thread; server: I/O loop, SQLite commit): pinned to one core each, they queue behind each other, so this
# one runs unpinned, at 2,000 pushes per second
echo "== client library: push-to-listener latency (SQLite server, nothing pinned)"
server_cpus=0,1 serve --db "$work/latency.db"
for _ in 1 2 3 4 5; do java -jar "$jar" bench latency --rounds 10000 --server 127.0.0.1:$port | grep '^latency:'; done
stop

echo "== heap per (listener, id) registration"
for shape in "100000 10" "10000 1" "1 200000"; do
  java -cp modstamp-benchmarks/target/benchmarks.jar org.modstamp.bench.RegistryFootprint $shape
done | grep registrations

if command -v gcc >/dev/null; then
  echo "== kernel floor: C, one thread on core 0, 10,000 and 100,000 listeners"
  gcc -O2 -pthread -o "$work/fanout-floor" modstamp-benchmarks/src/main/c/fanout-floor.c
  taskset -c 0 "$work/fanout-floor" 10000 0 | tail -1
  taskset -c 0 "$work/fanout-floor" 10000 1 | tail -1
  taskset -c 0 "$work/fanout-floor" 100000 1 | tail -1
fi

if command -v gcc >/dev/null; then
  # Each Signal's SO_TIMESTAMPNS at its listener: the generator sleeps while the Signals arrive and reads
  # them afterwards, as listeners on other hosts would cost the server nothing; nothing pinned, so that
  # --io-threads 2 can send from both cores
  echo "== fan-out timed by the kernel (listeners' receive timestamps), 1 and 2 I/O threads"
  gcc -O2 -o "$work/fanout-kernel-time" modstamp-benchmarks/src/main/c/fanout-kernel-time.c
  for listeners in 10000 100000; do
    for threads in 1 2; do
      server_cpus=0,1 serve --memory --io-threads $threads "${unlimited[@]}"
      echo "io-threads $threads: $("$work/fanout-kernel-time" $listeners 30 127.0.0.1:$port | tail -1)"
      stop
    done
  done
  if command -v redis-server >/dev/null; then
    echo "== the same over two instances sharing one Redis (appendfsync always), listeners spread over both"
    redis-server --port 16379 --save "" --appendonly yes --appendfsync always --dir "$work" > "$work/redis.log" 2>&1 &
    redis=$!; sleep 0.5
    for i in 0 1; do
      java -jar "$jar" serve --listen 127.0.0.1:$((port + 20 + i)) "${unlimited[@]}" --redis redis://127.0.0.1:16379/0 > "$work/instance$i.log" 2>&1 &
      instance[i]=$!
    done
    for i in 0 1; do for _ in $(seq 50); do grep -q "listening on udp" "$work/instance$i.log" && break; sleep 0.1; done; done
    "$work/fanout-kernel-time" 10000 30 127.0.0.1:$((port + 20)) 127.0.0.1:$((port + 21)) | tail -1
    kill "${instance[@]}" $redis; wait "${instance[@]}" $redis 2>/dev/null || true
  fi
fi
