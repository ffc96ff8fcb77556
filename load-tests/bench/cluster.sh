#!/usr/bin/env bash
# The clustered event-bus hop: what it costs a request to cross from a gateway node to a worker.
# The same demo model mlp (input "input" FP32 [-1,16], output "output" FP32 [-1,4]) and the same
# JSON bodies, batch 1 and batch 8, posted to two setups on this machine, one after the other:
#   standalone  one gateway JVM that runs the models itself;
#   cluster     three JVMs joined over Hazelcast on 127.0.0.1: a gateway node (GATEWAY_CLUSTER_ROLE
#               gateway) that serves HTTP and runs no model, and two workers (role worker) that load
#               conf/gateway.json's models and answer over the clustered event bus.
#
#   load-tests/bench/cluster.sh
#
# Builds the gateway jar from this tree (mvn -DskipTests package in the repo root) unless
# SKIP_BUILD=1. Every JVM runs from the repo root with its own conf/gateway.json, without the
# caller's GATEWAY_* variables, on free 127.0.0.1 ports (HTTP, management, Hazelcast; never
# Hazelcast's default 5701-5703). The cluster counts as up when the gateway node's management
# /health lists two READY replicas for every model of conf/gateway.json (at most CLUSTER_WAIT s).
# python3 (standard library only) writes the bodies: row r, column c holds float32(sin(16 r + c)),
# as the shortest decimals that read back as the same float32. One curl per body and setup checks
# status 200 and the output's shape; both setups must answer the same numbers. Then wrk warms the
# setup up with each body in turn, twice, and posts each at every CONNECTIONS count (post.lua),
# recording req/s, p50/p99, non-2xx answers and socket errors, the CPU per request summed over
# the setup's JVMs (utime + stime from /proc/<pid>/stat over the run; for the cluster also the
# gateway node's share) and their VmRSS summed at the end of the run. Any non-2xx answer, or a JVM
# that dies, ends the script. One Markdown table, the setups side by side with the hop's cost, goes
# to stdout and to $OUT_DIR/results.md. Every JVM is stopped by PID when its setup is done or the
# script ends, whatever happens; nothing leaves 127.0.0.1. About 5 minutes with the defaults on 2
# cores, plus the build.
#
# Environment (defaults):
#   WRK_DURATION=8     seconds per measured wrk run (2 setups x 2 bodies x CONNECTIONS runs)
#   WARMUP=15          seconds of unrecorded wrk load (16 connections) per body and setup, twice
#                      (three JVMs to warm up: with 5 s the cluster's first rows still pay for JIT)
#   CONNECTIONS="1 16 64"
#   CLUSTER_WAIT=120   seconds the cluster may take to list two READY replicas of every model
#   SKIP_BUILD=        1: use the existing target/inference-gateway.jar
#   GATEWAY_JAVA_OPTS="-Xmx128m -XX:+UseSerialGC"   for every JVM of both setups
#   PYTHON=python3
#   OUT_DIR            default load-tests/target/cluster/<timestamp>
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LT=$(dirname "$HERE")
REPO=$(dirname "$LT")

WRK_DURATION=${WRK_DURATION:-8}
WARMUP=${WARMUP:-15}
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
CLUSTER_WAIT=${CLUSTER_WAIT:-120}
SKIP_BUILD=${SKIP_BUILD:-}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC}
read -r -a JAVA_OPTS <<<"$GATEWAY_JAVA_OPTS"
PYTHON=${PYTHON:-python3}
OUT_DIR=${OUT_DIR:-$LT/target/cluster/$(date -u +%Y%m%dT%H%M%SZ)}
GATEWAY_JAR=$REPO/target/inference-gateway.jar
MODEL=mlp
BATCHES=(1 8)
SETUPS=(standalone cluster)

log() { printf '[cluster %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- processes this script started, stopped by PID on exit ---------------------------------
# shellcheck source=processes.sh
. "$HERE/processes.sh"

# --- tools, output folder, commit, build ------------------------------------------------------
# shellcheck source=prepare.sh
. "$HERE/prepare.sh"

# --- bodies ----------------------------------------------------------------------------------
# body-b<batch>.json for every batch.
"$PYTHON" - "$OUT_DIR" "${BATCHES[@]}" <<'PY'
import json, math, os, struct, sys

out, batches = sys.argv[1], [int(b) for b in sys.argv[2:]]
cols = 16

def shortest(v):
    """Fewest significant digits that read back as the same float32."""
    for digits in range(1, 10):
        text = '%.*g' % (digits, v)
        if struct.unpack('<f', struct.pack('<f', float(text)))[0] == v:
            return text
    raise AssertionError(v)

compact = dict(separators=(',', ':'))
for batch in batches:
    values = [struct.unpack('<f', struct.pack('<f', math.sin(i)))[0] for i in range(batch * cols)]
    tensor = {"name": "input", "datatype": "FP32", "shape": [batch, cols], "data": ["@"]}
    with open(os.path.join(out, 'body-b%d.json' % batch), 'w') as f:
        f.write(json.dumps({"inputs": [tensor]}, **compact)
                .replace('"@"', ','.join(shortest(v) for v in values)))
PY
body() { echo "$OUT_DIR/body-b$1.json"; }

{
  echo "# Clustered event-bus hop: $MODEL, batch ${BATCHES[*]}, standalone against gateway node + 2 workers"
  echo
  echo "- commit: \`$COMMIT\`, run $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')," \
       "kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs"
  echo "- java: \`$(java -version 2>&1 | head -1)\`; JVM options \`$GATEWAY_JAVA_OPTS\` for every" \
       "JVM of both setups, config conf/gateway.json"
  echo "- $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}'): ${WRK_DURATION} s per run after ${WARMUP} s" \
       "of warm-up at 16 connections per body, twice, for each setup; the setups ran one after the other"
} >"$OUT_DIR/header.md"

# --- processes -------------------------------------------------------------------------------
HZ=$(getconf CLK_TCK)
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
vm_kib() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$2/status"; }

# pick_port: a free loopback port that this script has not handed out yet.
USED_PORTS=" "
pick_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(free_port) || die "no free port found"
    case "$USED_PORTS" in *" $port "*) continue ;; esac
    USED_PORTS+="$port "
    PORT=$port
    return 0
  done
  die "no unused free port found"
}

# start_jvm <name> VAR=value ...: starts the gateway jar with these GATEWAY_* variables and no
# others (the caller's would override keys of conf/gateway.json); logs to <name>.log. The JVM's
# PID goes into PIDS (stopped on exit), JVMS and NAME.
JVMS=()
declare -A NAME=()
start_jvm() {
  local name=$1 pid
  shift
  (for var in $(compgen -e -X '!GATEWAY_*'); do unset "$var"; done \
    && exec env "$@" java "${JAVA_OPTS[@]}" -jar "$GATEWAY_JAR") >"$OUT_DIR/$SETUP-$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  JVMS+=("$pid")
  NAME[$pid]=$name
  log "started $name (PID $pid): $*"
}
check_alive() {
  local pid
  for pid in "${JVMS[@]}"; do
    kill -0 "$pid" 2>/dev/null \
      || die "$SETUP: ${NAME[$pid]} (PID $pid) died (see $OUT_DIR/$SETUP-${NAME[$pid]}.log)"
  done
}
sum_ticks() { local t=0 pid; for pid in "$@"; do t=$((t + $(proc_ticks "$pid"))); done; echo "$t"; }
sum_kib() { local k=0 pid; for pid in "${@:2}"; do k=$((k + $(vm_kib "$1" "$pid"))); done; echo "$k"; }

# replicas_ready <health.json>: every model of conf/gateway.json lists two READY replicas.
replicas_ready() {
  "$PYTHON" - "$1" conf/gateway.json <<'PY'
import json, sys
try:
    with open(sys.argv[1]) as f:
        checks = {c.get('id'): c for c in json.load(f).get('checks', [])}
except (OSError, ValueError):
    sys.exit(1)
with open(sys.argv[2]) as f:
    models = [m['name'] for m in json.load(f)['models']]
for name in models:
    replicas = checks.get(name, {}).get('data', {}).get('replicas', [])
    if sum(r.get('state') == 'READY' for r in replicas) < 2:
        sys.exit(1)
PY
}

# start_standalone / start_cluster: set JVMS, GW_PID (the JVM that serves HTTP) and URL.
start_standalone() {
  local port mgmt
  pick_port; port=$PORT
  pick_port; mgmt=$PORT
  start_jvm gateway GATEWAY_HTTP_HOST=127.0.0.1 GATEWAY_HTTP_PORT="$port" \
    GATEWAY_MANAGEMENT_HOST=127.0.0.1 GATEWAY_MANAGEMENT_PORT="$mgmt"
  GW_PID=${JVMS[0]}
  URL="http://127.0.0.1:$port/v2/models/$MODEL/infer"
  wait_http "http://127.0.0.1:$port/v2/health/ready" "$GW_PID" 120 \
    || { tail -20 "$OUT_DIR/$SETUP-gateway.log" >&2; die "the standalone gateway did not become ready"; }
}
start_cluster() {
  local port mgmt hz=() members i since=$SECONDS
  for i in 0 1 2; do pick_port; hz+=("$PORT"); done
  members="[\"127.0.0.1:${hz[0]}\",\"127.0.0.1:${hz[1]}\",\"127.0.0.1:${hz[2]}\"]"
  pick_port; port=$PORT
  pick_port; mgmt=$PORT
  start_jvm gateway GATEWAY_CLUSTER_ROLE=gateway GATEWAY_CLUSTER_HOST=127.0.0.1 \
    GATEWAY_CLUSTER_PORT="${hz[0]}" GATEWAY_CLUSTER_MEMBERS="$members" \
    GATEWAY_HTTP_HOST=127.0.0.1 GATEWAY_HTTP_PORT="$port" \
    GATEWAY_MANAGEMENT_HOST=127.0.0.1 GATEWAY_MANAGEMENT_PORT="$mgmt"
  GW_PID=${JVMS[0]}
  for i in 1 2; do
    pick_port
    start_jvm "worker$i" GATEWAY_CLUSTER_ROLE=worker GATEWAY_CLUSTER_HOST=127.0.0.1 \
      GATEWAY_CLUSTER_PORT="${hz[$i]}" GATEWAY_CLUSTER_MEMBERS="$members" \
      GATEWAY_MANAGEMENT_HOST=127.0.0.1 GATEWAY_MANAGEMENT_PORT="$PORT"
  done
  URL="http://127.0.0.1:$port/v2/models/$MODEL/infer"
  log "waiting (at most ${CLUSTER_WAIT} s) for two READY replicas of every model"
  until curl -s -o "$OUT_DIR/cluster-health.json" --max-time 2 "http://127.0.0.1:$mgmt/health" \
      && replicas_ready "$OUT_DIR/cluster-health.json"; do
    check_alive
    [ $((SECONDS - since)) -lt "$CLUSTER_WAIT" ] || { cat "$OUT_DIR/cluster-health.json" >&2 2>/dev/null || true
      die "the cluster did not list two READY replicas of every model in ${CLUSTER_WAIT} s"; }
    sleep 0.5
  done
  log "cluster: two READY replicas of every model $((SECONDS - since)) s after the start"
  wait_http "http://127.0.0.1:$port/v2/health/ready" "$GW_PID" 30 \
    || { tail -20 "$OUT_DIR/$SETUP-gateway.log" >&2; die "the gateway node did not become ready"; }
}

# --- wrk runs --------------------------------------------------------------------------------
RESULTS="$OUT_DIR/results.tsv"
printf 'setup\tbatch\tconns\trps\tp50_us\tp99_us\tnon2xx\terrors\tcpu_us_per_req\tgw_cpu_us_per_req\trss_kib\n' \
  >"$RESULTS"

# run_wrk <batch> <connections> <seconds> [record]
# Posts the batch's body to the setup; with "record", appends wrk's figures, the CPU per request
# over the run (all the setup's JVMs, and the JVM serving HTTP alone) and the setup's summed
# VmRSS at the end to results.tsv.
run_wrk() {
  local batch=$1 conns=$2 secs=$3 record=${4:-}
  local threads=2 out ticks0 gw0 ticks1 gw1 line row
  [ "$conns" -ge 2 ] || threads=1
  out="$OUT_DIR/wrk-$SETUP-b$batch-c$conns-${record:-warmup}.txt"
  ticks0=$(sum_ticks "${JVMS[@]}")
  gw0=$(proc_ticks "$GW_PID")
  # wrk stops itself after $secs; timeout only guards against a wrk that hangs.
  timeout $((secs + 30)) wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s --latency \
    -s "$HERE/post.lua" "$URL" -- "$(body "$batch")" \
    >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed for $SETUP batch $batch"; }
  check_alive
  ticks1=$(sum_ticks "${JVMS[@]}")
  gw1=$(proc_ticks "$GW_PID")
  line=$(grep '^WRK ' "$out") || { cat "$out" >&2; die "no summary from wrk for $SETUP batch $batch"; }
  row=$(echo "$line" | awk -v setup="$SETUP" -v batch="$batch" -v conns="$conns" \
      -v ticks=$((ticks1 - ticks0)) -v gw=$((gw1 - gw0)) -v hz="$HZ" \
      -v rss="$(sum_kib VmRSS "${JVMS[@]}")" '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    errors = f["connect_errors"] + f["read_errors"] + f["write_errors"] + f["timeouts"]
    cpu = f["requests"] > 0 ? ticks * 1e6 / hz / f["requests"] : 0
    gwcpu = f["requests"] > 0 ? gw * 1e6 / hz / f["requests"] : 0
    printf "%s\t%s\t%s\t%.1f\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%d\n", setup, batch, conns, f["rps"],
      f["p50_us"], f["p99_us"], f["non2xx"], errors, cpu, gwcpu, rss }')
  echo "$row" | awk -F'\t' -v phase="${record:-warm-up}" '{
    printf "  %-10s b%-2s c=%-2s %-7s %7.0f req/s p50 %6d us p99 %6d us non-2xx %d errors %d" \
      " cpu %7.1f us/req (http jvm %7.1f) rss %4d MiB\n", $1, $2, $3, phase, $4, $5, $6, $7, $8,
      $9, $10, $11 / 1024 }' >&2
  [ "$(echo "$row" | cut -f7)" = 0 ] || die "$SETUP batch $batch: non-2xx answers (see $out)"
  [ -z "$record" ] || echo "$row" >>"$RESULTS"
}

# check_answers: one curl per body, status 200 and a [batch, 4] output, kept as answer-<setup>-b<batch>.json.
check_answers() {
  local batch code
  for batch in "${BATCHES[@]}"; do
    code=$(curl -s --max-time 30 -X POST -H "Content-Type: application/json" \
      --data-binary "@$(body "$batch")" -o "$OUT_DIR/answer-$SETUP-b$batch.json" -w '%{http_code}' \
      "$URL" || true)
    [ "$code" = 200 ] || { cat "$OUT_DIR/answer-$SETUP-b$batch.json" >&2 2>/dev/null || true
      die "$SETUP batch $batch: status ${code:-none}, expected 200"; }
    "$PYTHON" - "$OUT_DIR/answer-$SETUP-b$batch.json" "$batch" <<'PY' \
      || die "$SETUP batch $batch: unexpected answer (see above)"
import json, sys
[output] = json.load(open(sys.argv[1]))['outputs']
assert output['name'] == 'output' and output['shape'] == [int(sys.argv[2]), 4], output
PY
  done
}

# --- the setups, one after the other -----------------------------------------------------------
declare -A LOAD_BEFORE=() HWM=() WORKER_CPU=()
for SETUP in "${SETUPS[@]}"; do
  JVMS=()
  LOAD_BEFORE[$SETUP]=$(cut -d' ' -f1-3 /proc/loadavg)
  log "$SETUP: starting (load average ${LOAD_BEFORE[$SETUP]})"
  "start_$SETUP"
  log "$SETUP: ready, ${#JVMS[@]} JVM(s), VmRSS $(($(sum_kib VmRSS "${JVMS[@]}") / 1024)) MiB in all"
  check_answers
  log "$SETUP: warm-up, two rounds of ${WARMUP} s per body at 16 connections"
  for _ in 1 2; do
    for batch in "${BATCHES[@]}"; do run_wrk "$batch" 16 "$WARMUP"; done
  done
  worker_ticks0=()
  for pid in "${JVMS[@]:1}"; do worker_ticks0+=("$(proc_ticks "$pid")"); done
  for conns in $CONNECTIONS; do
    log "$SETUP: $conns connections, ${WRK_DURATION} s per body"
    for batch in "${BATCHES[@]}"; do run_wrk "$batch" "$conns" "$WRK_DURATION" record; done
  done
  HWM[$SETUP]=$(sum_kib VmHWM "${JVMS[@]}")
  if [ "$SETUP" = cluster ]; then
    WORKER_CPU[$SETUP]=""
    i=0
    for pid in "${JVMS[@]:1}"; do
      WORKER_CPU[$SETUP]+="${WORKER_CPU[$SETUP]:+ / }$(awk -v t=$(($(proc_ticks "$pid") - worker_ticks0[i])) \
        -v hz="$HZ" 'BEGIN { printf "%.1f s", t / hz }')"
      i=$((i + 1))
    done
  fi
  log "$SETUP: stopping ${JVMS[*]}"
  for pid in "${JVMS[@]}"; do stop_pid "$pid"; done
done

# Both setups ran the same model on the same bodies: the numbers must agree.
for batch in "${BATCHES[@]}"; do
  "$PYTHON" - "$OUT_DIR/answer-standalone-b$batch.json" "$OUT_DIR/answer-cluster-b$batch.json" <<'PY' \
    || die "batch $batch: the cluster answered other numbers than the standalone gateway"
import json, sys
a, b = ([o['data'] for o in json.load(open(p))['outputs']] for p in sys.argv[1:3])
assert a == b, (a, b)
PY
done
log "both setups answered the same outputs for every body"

# --- the table -------------------------------------------------------------------------------
{
  cat "$OUT_DIR/header.md"
  echo
  awk -F'\t' -v batches="${BATCHES[*]}" -v conns_list="$CONNECTIONS" '
    function bad(n, e) { return n (e > 0 ? " +" e " sock err" : "") }
    NR > 1 { k = $2 SUBSEP $3; rps[$1, k] = $4; p50[$1, k] = $5; p99[$1, k] = $6
      non2xx[$1, k] = $7; err[$1, k] = $8; cpu[$1, k] = $9; gw[$1, k] = $10; rss[$1, k] = $11 }
    END {
      print "| body | conns | req/s standalone | req/s cluster | req/s cluster ÷ standalone | p50 µs standalone | p50 µs cluster | p50 +µs | p99 µs standalone | p99 µs cluster | non-2xx standalone / cluster | CPU µs/req standalone | CPU µs/req cluster (gateway node) | CPU +µs/req | RSS MiB standalone | RSS MiB cluster |"
      print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
      nb = split(batches, b, " "); nc = split(conns_list, c, " ")
      for (i = 1; i <= nb; i++) for (j = 1; j <= nc; j++) {
        k = b[i] SUBSEP c[j]; s = "standalone" SUBSEP k; x = "cluster" SUBSEP k
        if (!(s in rps) || !(x in rps)) continue
        printf "| mlp batch %s | %s | %.0f | %.0f | %s | %d | %d | %+d | %d | %d | %s / %s | %.1f | %.1f (%.1f) | %+.1f | %.0f | %.0f |\n",
          b[i], c[j], rps[s], rps[x], (rps[s] > 0 ? sprintf("%.2f", rps[x] / rps[s]) : "-"),
          p50[s], p50[x], p50[x] - p50[s], p99[s], p99[x], bad(non2xx[s], err[s]),
          bad(non2xx[x], err[x]), cpu[s], cpu[x], gw[x], cpu[x] - cpu[s], rss[s] / 1024, rss[x] / 1024
      }
    }' "$RESULTS"
  echo
  echo "- standalone: one gateway JVM running the models; cluster: a gateway node (HTTP, no model)"
  echo "  and two workers (the models), three JVMs joined over Hazelcast on 127.0.0.1, requests"
  echo "  crossing the clustered event bus. Same jar, config, JVM options, bodies and wrk runs."
  echo "- req/s cluster ÷ standalone: throughput ratio at the same connections."
  echo "  p50 +µs: cluster p50 minus standalone p50, the latency the hop adds to the median request;"
  echo "  at 1 connection the hop alone, at more it includes the queueing of the slower setup."
  echo "- CPU µs/req: utime + stime over the run over its requests, summed over all the setup's JVMs"
  echo "  (1 standalone, 3 in the cluster); in brackets the gateway node's share. CPU +µs/req: cluster"
  echo "  minus standalone, the CPU the hop costs per request on this machine (wrk's own CPU not counted)."
  echo "- RSS MiB: VmRSS summed over the setup's JVMs at the end of the run; peak (VmHWM summed)"
  echo "  $((HWM[standalone] / 1024)) MiB standalone, $((HWM[cluster] / 1024)) MiB cluster."
  echo "- non-2xx must be 0 (the script stops otherwise); socket errors are shown beside it when any."
  echo "  The two workers' CPU over the measured runs: ${WORKER_CPU[cluster]}."
  echo "- Load average before each setup: standalone ${LOAD_BEFORE[standalone]}, cluster ${LOAD_BEFORE[cluster]}."
  echo "  Both setups share the machine's $(nproc) cores with wrk; they never ran at the same time."
  echo "- Every body holds float32(sin(i)), i = 0 .. 16 x batch - 1; both setups answered the same outputs."
} | tee "$OUT_DIR/results.md"
log "done in $((SECONDS / 60)) min $((SECONDS % 60)) s; every run's output is in $OUT_DIR"
