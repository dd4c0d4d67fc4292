#!/usr/bin/env bash
# The ratios of issue #26, each measured in one run against a C limit under the same load (BENCHMARKS.md):
#  - qr: steady Q/R of `modstamp serve` against a C recvmmsg/sendmmsg echo loop (echo-mmsg.c), both on core 0, the
#    same C generator on core 1 (qr-load.c: the load of `bench qr`, 1,000 ports with 4 Queries in flight each, at a
#    rate the Java generator cannot reach on one core), alternating, five rounds of 10 s;
#  - fanout: the fan-out to 10,000 listeners on one I/O thread (server on core 0; the server's own time to send the
#    Signals, median of 30 rounds after 10) against the C sendmmsg floor on core 0 (fanout-floor.c, mean of its
#    last 4 rounds); and to 100,000 listeners on two I/O threads (both cores; the last Signal's arrival timed by
#    the kernel, p50 of 30 rounds) against the one-core floor for 100,000, and the C floor's own two-thread figure
#    beside it (fanout-floor.c with 2 threads on both cores). Both fan-outs are driven by
#    fanout-kernel-time.c, whose listeners sleep while the Signals arrive, as the floor's do: no reader is woken
#    on either side.
# The fan-out servers count every address as a network of its own with no Signal budget to speak of
# (--ipv4-prefix 32 --signals-per-second 10000000): the benchmark's listeners all sit in 127.1.0.0/24, which the
# default abuse limits would hold to 10,000 Signals a second. Loopback only; about 2.5 minutes for qr, 3 for fanout. Needs gcc.
# Usage: [MODSTAMP_JAR=other.jar] modstamp-benchmarks/ratios.sh [qr] [fanout]   (both by default)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(qr fanout)
port=14160
for c in echo-mmsg qr-load fanout-floor fanout-kernel-time; do gcc -O2 -pthread -o "$work/$c" "modstamp-benchmarks/src/main/c/$c.c"; done

qr() { # qr PORT: steady round trips per second, after 3 s of warm-up
  taskset -c 1 "$work/qr-load" "127.0.0.1:$1" 1000 4 10 3 | sed -n 's/^qr: round_trips_per_s=\([0-9]*\).*/\1/p'
}
unlimited=(--ipv4-prefix 32 --signals-per-second 10000000)
median_server_ms() { # median_server_ms LOG N: the server's time to send its Signals, median of its last N fan-outs
  grep -o 'sent [0-9]* datagrams in [0-9.]* ms' "$1" | tail -"$2" | awk '{print $5, $2}' | sort -n \
    | awk '{t[NR]=$1; d+=$2} END {printf "%.1f ms (%d datagrams a round)", t[int((NR+1)/2)], d/NR}'
}
floor_ms() { # floor_ms N [THREADS CPUS]: the C floor for N listeners (1 thread on core 0), mean of its last 4 of 5 rounds
  taskset -c "${3:-0}" "$work/fanout-floor" "$1" 1 "${2:-1}" | tail -4 | sed -n 's/.*: \([0-9.]*\) ms.*/\1/p' \
    | awk '{s+=$1; n++} END {printf "%.1f", s/n}'
}

for part in "${parts[@]}"; do case $part in
qr)
echo "== Q/R: modstamp serve against the C echo loop, each on core 0, generator on core 1"
taskset -c 0 "$work/echo-mmsg" 127.0.0.1 $((port + 1)) > "$work/echo.log" 2>&1 &
started "$work/echo.log"
taskset -c 0 java -jar "$jar" serve --memory --listen 127.0.0.1:$port > "$work/server.log" 2>&1 &
server=$!
started "$work/server.log"
qr $port > /dev/null # warm the server
for round in 1 2 3 4 5; do
  echo_rate=$(qr $((port + 1)))
  server_rate=$(qr $port)
  echo "round $round: echo ${echo_rate}/s, server ${server_rate}/s, ratio $(awk "BEGIN {printf \"%.2f\", $server_rate / $echo_rate}")"
done
kill $server; wait $server 2>/dev/null || true
;;
fanout)
echo "== fan-out to 10,000 listeners, one I/O thread on core 0, against the C floor on core 0"
taskset -c 0 java -jar "$jar" serve --memory --debug "${unlimited[@]}" --listen 127.0.0.1:$port > "$work/server.log" 2>&1 &
server=$!
started "$work/server.log"
taskset -c 1 "$work/fanout-kernel-time" 10000 40 127.0.0.1:$port > /dev/null
kill $server; wait $server 2>/dev/null || true
sent=$(median_server_ms "$work/server.log" 30)
floor=$(floor_ms 10000)
echo "server ${sent}, floor ${floor} ms, ratio $(awk "BEGIN {printf \"%.2f\", ${sent%% *} / $floor}")"

echo "== fan-out to 100,000 listeners, two I/O threads (both cores), against the C floor on one core"
java -jar "$jar" serve --memory --io-threads 2 "${unlimited[@]}" --listen 127.0.0.1:$port > "$work/server.log" 2>&1 &
server=$!
started "$work/server.log"
kernel=$("$work/fanout-kernel-time" 100000 30 127.0.0.1:$port | tail -1)
kill $server; wait $server 2>/dev/null || true
server_ms=$(echo "$kernel" | sed -n 's/.*last_p50_ms=\([0-9.]*\).*/\1/p')
floor=$(floor_ms 100000)
floor2=$(floor_ms 100000 2 0,1)
echo "$kernel"
echo "server ${server_ms} ms, one-core floor ${floor} ms, ratio $(awk "BEGIN {printf \"%.2f\", $server_ms / $floor}")"
echo "C on two threads (both cores) ${floor2} ms, ratio $(awk "BEGIN {printf \"%.2f\", $floor2 / $floor}"): the best two cores do here"
;;
*) echo "unknown part: $part (qr or fanout)" >&2; exit 2 ;;
esac; done
