#!/usr/bin/env bash
# One hop (C sent to Signal queued at its listener, timed by the kernel: hop-latency.c) through three servers, each
# on core 0 with the client on core 1: the C floor (hop-latency.c's serve mode), the Java floor
# (MinimalJavaServer: one thread, a blocking DatagramChannel) and `modstamp serve --memory`. Each is first warmed
# by 40,000 hops 100 us apart; then they alternate three times with changes 5 ms apart (every thread idle between
# them) and 500 us apart. Loopback only; about 2 minutes. Needs gcc.
# Usage: [MODSTAMP_JAR=other.jar] modstamp-benchmarks/hops.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
gcc -O2 -o "$work/hop-latency" modstamp-benchmarks/src/main/c/hop-latency.c
port=14170
taskset -c 0 "$work/hop-latency" serve $port &
taskset -c 0 java modstamp-benchmarks/src/main/java/org/modstamp/bench/MinimalJavaServer.java $((port + 1)) &
taskset -c 0 java -jar "$jar" serve --memory --listen 127.0.0.1:$((port + 2)) > "$work/serve.log" 2>&1 &
started "$work/serve.log"
names=([port]="C floor" [port + 1]="Java floor" [port + 2]="modstamp serve --memory")
hops() { # hops PORT GAP_US ROUNDS: its figures, or a clear failure once the Java floor had 5 s to start
  for _ in $(seq 50); do taskset -c 1 "$work/hop-latency" 127.0.0.1:$1 "$2" "$3" 2>/dev/null && return; sleep 0.1; done
  echo "no answer from port $1"; exit 1
}
for p in $port $((port + 1)) $((port + 2)); do hops $p 100 40000 > /dev/null; done
for gap in 5000 500; do
  echo "== changes $gap us apart"
  for _ in 1 2 3; do
    for p in $port $((port + 1)) $((port + 2)); do printf '%-24s ' "${names[p]}:"; hops $p $gap $((gap == 5000 ? 2000 : 10000)); done
  done
done
