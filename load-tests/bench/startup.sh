#!/usr/bin/env bash
# Start-up benchmark: from `java` to the first answer of the demo gateway, started plainly and as
# the README starts it, in one run on this machine.
#
#   load-tests/bench/startup.sh
#
# Builds the gateway from this tree (mvn -DskipTests package, which also writes the class-data
# archive target/gateway.jsa and takes ONNX Runtime's native libraries out into target/native)
# unless SKIP_BUILD=1. Then two ways of starting it with conf/gateway.json (five demo models),
# RUNS times each, alternating:
# 1. `java -jar`;
# 2. the README's start command: the same with -XX:SharedArchiveFile=target/gateway.jsa and
#    -Donnxruntime.native.path=target/native, as the image starts too.
# Each start is timed from the launch of `java` to the first 200 on /v2/health/ready (every model
# loaded), polled every 10 ms; CPU is the process's utime + stime at that moment. Prints the median
# and the range of each, as a Markdown table, to stdout and to $OUT_DIR/results.md. Listens on
# free 127.0.0.1 ports; every process is stopped by PID when the script ends.
#
# Environment (defaults):
#   RUNS=9                starts per way
#   GATEWAY_JAVA_OPTS="-Xmx128m -XX:+UseSerialGC"
#   OUT_DIR               default load-tests/target/startup/<timestamp>
#   SKIP_BUILD            set to 1 to time what is already in target/
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LT=$(dirname "$HERE")
REPO=$(dirname "$LT")

RUNS=${RUNS:-9}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC}
read -r -a JAVA_OPTS <<<"$GATEWAY_JAVA_OPTS"
OUT_DIR=${OUT_DIR:-$LT/target/startup/$(date -u +%Y%m%dT%H%M%SZ)}
GATEWAY_JAR=$REPO/target/inference-gateway.jar
SKIP_BUILD=${SKIP_BUILD:-}

log() { printf '[startup %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=processes.sh
. "$HERE/processes.sh"
# shellcheck source=prepare.sh
. "$HERE/prepare.sh"

ARCHIVE=$REPO/target/gateway.jsa
NATIVE=$REPO/target/native
[ -s "$ARCHIVE" ] && [ -d "$NATIVE" ] \
  || die "no $ARCHIVE or $NATIVE: package without -Dclass-data.skip=true"
README_OPTS=(-XX:SharedArchiveFile="$ARCHIVE" -Donnxruntime.native.path="$NATIVE")

# start LOG OPTION...: launches the demo gateway on free ports; sets PID, PORT and STARTED (ns).
start() {
  local out=$1
  shift
  PORT=$(free_port)
  STARTED=$(date +%s%N)
  GATEWAY_HTTP_HOST=127.0.0.1 GATEWAY_HTTP_PORT=$PORT GATEWAY_MANAGEMENT_HOST=127.0.0.1 \
    GATEWAY_MANAGEMENT_PORT=$(free_port) java "${JAVA_OPTS[@]}" "$@" -jar "$GATEWAY_JAR" \
    >"$out" 2>&1 &
  PID=$!
  PIDS+=("$PID")
}

# one NAME OPTION...: one timed start; appends "wall_ms cpu_ms" to $OUT_DIR/NAME.txt.
one() {
  local name=$1 wall cpu
  shift
  start "$OUT_DIR/$name.log" "$@"
  until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/v2/health/ready"; do
    kill -0 "$PID" 2>/dev/null || die "the gateway exited; see $OUT_DIR/$name.log"
    sleep 0.01
  done
  wall=$((($(date +%s%N) - STARTED) / 1000000))
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$PID/stat")
  stop_pid "$PID"
  echo "$wall $cpu" >>"$OUT_DIR/$name.txt"
}

for i in $(seq 1 "$RUNS"); do
  log "round $i of $RUNS"
  one java-jar
  one readme "${README_OPTS[@]}"
done

# summary NAME COLUMN: "median (min-max)" of a column of $OUT_DIR/NAME.txt.
summary() {
  sort -n -k"$2" "$OUT_DIR/$1.txt" | awk -v c="$2" '{v[NR] = $c}
    END {printf "%d (%d-%d)", v[int((NR + 1) / 2)], v[1], v[NR]}'
}
{
  echo "Start-up, commit \`$COMMIT\`, $(date -u '+%Y-%m-%d %H:%M') UTC, nproc $(nproc), $RUNS starts each"
  echo
  echo "| start | to first answer, ms: median (range) | CPU ms |"
  echo "|---|--:|--:|"
  echo "| \`java -jar\` | $(summary java-jar 1) | $(summary java-jar 2) |"
  echo "| README's command (class-data archive, native libraries outside the jar) | $(summary readme 1) | $(summary readme 2) |"
} | tee "$OUT_DIR/results.md"
