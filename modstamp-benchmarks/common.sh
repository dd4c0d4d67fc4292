# Sourced by the benchmark scripts of this folder: the repository's root as the working directory; $jar, the
# command line's jar (MODSTAMP_JAR names another build's, to compare), built when missing; $work, a scratch
# folder removed at exit with every job the script left running; and started.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jar=${MODSTAMP_JAR:-modstamp-cli/target/modstamp.jar}
[ -f "$jar" ] || mvn -B -q -DskipTests -pl modstamp-cli -am package
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

started() { # started LOG: waits until the server writing LOG listens (at most 10 s), or prints LOG and exits
  for _ in $(seq 100); do grep -q "listening on udp" "$1" && return; sleep 0.1; done
  cat "$1"; exit 1
}
