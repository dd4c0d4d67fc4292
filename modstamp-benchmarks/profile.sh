#!/usr/bin/env bash
# The top frames of each hot path of `modstamp serve` (issue #26, item 5), from Flight Recorder's samples:
#  - qr:     steady Queries and Replies (memory server on core 0, the C generator qr-load.c on core 1: the Java
#            `bench qr` is slower than the server, so under it the server's core idles part of the time);
#  - fanout: Signals to 10,000 listeners on one I/O thread (same cores, no Signal budget, as in ratios.sh);
#  - push:   Pushes confirmed after an fsynced SQLite commit (`bench push`, 200 producers).
# Each path is warmed by one run of its load, then recorded over a second run (15 s, or 40 fan-outs) with JFR's `profile` settings (a Java sample every 10 ms,
# and a sample of the threads in native code every 20 ms). For each it prints:
#  - self: the frames at the top of the Java samples (where the CPU is spent in Java);
#  - within: the org.modstamp methods on the most sampled stacks (inclusive);
#  - native: the top frames of the native samples (the system calls the threads are in: for the I/O thread of a
#    busy server, sendmmsg and recvmmsg are kernel work on its core; epoll_wait is waiting).
# Usage: [MODSTAMP_JAR=other.jar] modstamp-benchmarks/profile.sh [qr|fanout|push]... (all three by default).
# Loopback only; about 35 s a path. Needs jq and gcc. The recordings stay in target/profile/PATH.jfr, for `jfr print` or JDK Mission Control.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
out=modstamp-benchmarks/target/profile
mkdir -p "$out"
port=14180

top() { # top JFR EVENT PERIOD_MS: the 12 most frequent top frames of EVENT's stacks, with their share
  jfr print --json --stack-depth 1 --events "$2" "$1" \
    | jq -r '.recording.events[].values.stackTrace.frames[0].method | "\(.type.name).\(.name)"' \
    | sort | uniq -c | sort -rn | awk -v period="$3" '{n[NR]=$1; f[NR]=$2; t+=$1} END {
        for (i = 1; i <= NR && i <= 12; i++) printf "  %5.1f%%  %s\n", 100 * n[i] / t, f[i]
        printf "  (%d samples, one a thread every %d ms: about %.1f s of thread time)\n", t, period, t * period / 1000}'
}
within() { # within JFR: the 12 org.modstamp methods on the most Java samples, each counted once a stack
  jfr print --json --stack-depth 64 --events jdk.ExecutionSample "$1" \
    | jq -r '.recording.events[].values.stackTrace.frames
             | map(.method | "\(.type.name).\(.name)") | map(select(startswith("org/modstamp"))) | unique | .[]' \
    > "$work/within"
  total=$(jfr print --json --stack-depth 1 --events jdk.ExecutionSample "$1" | jq '.recording.events | length')
  sort "$work/within" | uniq -c | sort -rn | head -12 | awk -v t="$total" '{printf "  %5.1f%%  %s\n", 100 * $1 / t, $2}'
}
profile() { # profile PATH LOAD...: records the server under LOAD and prints its top frames
  local name=$1; shift
  echo "== $name: $*"
  "$@" > /dev/null # warm-up
  jcmd "$server" JFR.start name=hot settings=profile filename="$PWD/$out/$name.jfr" > /dev/null
  "$@" | tail -1
  jcmd "$server" JFR.stop name=hot > /dev/null
  echo "self (Java samples, top frame):"; top "$out/$name.jfr" jdk.ExecutionSample 10
  echo "within (org.modstamp methods on the Java samples' stacks):"; within "$out/$name.jfr"
  echo "native (samples of threads in native code, top frame):"; top "$out/$name.jfr" jdk.NativeMethodSample 20
}
serve() { # serve ARGS...: starts the server on core 0
  taskset -c 0 java -jar "$jar" serve --listen 127.0.0.1:$port "$@" > "$work/server.log" 2>&1 &
  server=$!
  started "$work/server.log"
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; }

paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(qr fanout push)
for p in "${paths[@]}"; do case $p in
  qr)
    serve --memory
    gcc -O2 -o "$work/qr-load" modstamp-benchmarks/src/main/c/qr-load.c
    profile qr taskset -c 1 "$work/qr-load" 127.0.0.1:$port 1000 4 15 3
    stop ;;
  fanout)
    serve --memory --ipv4-prefix 32 --signals-per-second 10000000
    profile fanout taskset -c 1 java -jar "$jar" bench fanout --listeners 10000 --rounds 40 --server 127.0.0.1:$port
    stop ;;
  push)
    serve --db "$work/push.db"
    profile push taskset -c 1 java -jar "$jar" bench push --producers 200 --seconds 15 --server 127.0.0.1:$port
    stop ;;
  *) echo "unknown path: $p (qr, fanout or push)" >&2; exit 2 ;;
esac; done
