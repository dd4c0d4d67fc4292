#!/usr/bin/env bash
# Needs redis-server and redis-cli on PATH and a built modstamp-cli (mvn -pl modstamp-cli -am package); about 2 minutes.
# Prints one `name: qr: ...` line per run; `memory` is the baseline the Redis topologies are compared with.
# Q/R with each store: memory, one Redis, Sentinel, Cluster; server on core 0, generator on core 1.
set -u
D=$(mktemp -d)
M="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/modstamp"
mkdir -p $D/n1 $D/n2 $D/s1 $D/c1 $D/c2 $D/c3
redis-server --port 16301 --dir $D/n1 --save "" --appendonly no --daemonize yes --logfile $D/n1/log
redis-server --port 16302 --dir $D/n2 --save "" --appendonly no --replicaof 127.0.0.1 16301 --daemonize yes --logfile $D/n2/log
printf 'port 16311\nsentinel monitor m 127.0.0.1 16301 1\nsentinel down-after-milliseconds m 2000\n' > $D/s1/s.conf
redis-server $D/s1/s.conf --sentinel --daemonize yes --logfile $D/s1/log --dir $D/s1
for n in 1 2 3; do redis-server --port 1632$n --dir $D/c$n --cluster-enabled yes --cluster-config-file nodes.conf --save "" --appendonly no --daemonize yes --logfile $D/c$n/log; done
sleep 1
redis-cli -p 16321 cluster addslotsrange 0 5460 >/dev/null; redis-cli -p 16322 cluster addslotsrange 5461 10922 >/dev/null; redis-cli -p 16323 cluster addslotsrange 10923 16383 >/dev/null
redis-cli -p 16321 cluster meet 127.0.0.1 16322 >/dev/null; redis-cli -p 16321 cluster meet 127.0.0.1 16323 >/dev/null
for i in $(seq 50); do redis-cli -p 16321 cluster info | grep -q 'cluster_state:ok' && break; sleep 0.2; done
run() { # name, serve args...
  local name=$1; shift
  taskset -c 0 $M serve --listen 127.0.0.1:16400 "$@" > $D/serve-$name.log 2>&1 &
  local pid=$!
  sleep 4
  echo "$name: $(taskset -c 1 $M bench qr --server 127.0.0.1:16400 --seconds 10 2>&1 | tail -1)"
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
}
for round in 1 2; do
  run memory --memory
  run redis --redis redis://127.0.0.1:16301/0
  run sentinel --redis 'redis-sentinel://127.0.0.1:16311/m?db=0'
  run cluster --redis redis-cluster://127.0.0.1:16321,127.0.0.1:16322
done
redis-cli -p 16311 shutdown nosave >/dev/null 2>&1; for p in 16301 16302 16321 16322 16323; do redis-cli -p $p shutdown nosave >/dev/null 2>&1; done
