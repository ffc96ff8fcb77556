#!/usr/bin/env bash
# Benchmark: the gateway, with dynamic batching on and off, against its two ceilings, the bare HTTP
# stack and in-process ONNX Runtime, in one run on this machine.
#
#   load-tests/bench/bench.sh
#
# Builds the gateway jar from this tree every time (mvn -DskipTests package) and the benchmark's
# MLPs (mvn test-compile exec:java@bench-models, into target/bench-models). Models: the demo
# iris-classifier (4 -> 3), mlp-64-256 (64-256-256-10) and mlp-256-1024 (256-1024-1024-10), each
# with a batch-1 and a batch-8 OIP body. First:
# 1. OrtBench: ONNX Runtime in-process with the gateway's default session options, batches of 1
#    and 8 rows, 1 and 2 threads; alone, then with the least JSON work around each call (read the
#    input from the infer body, write the answer: LeanJson.java).
# Then five servers, all started at once:
# 2. the gateway jar serving the three models with batching on, 3. another with batching off;
# 4. EchoServer, a minimal Vert.x server answering a fixed small JSON: the HTTP ceiling;
# 5. EchoServer given the models ("echo + ORT"): the same, and each request also runs its model on
#    its event loop as OrtBench does (rows from a Bench-Rows header, no JSON): both ceilings in
#    one process, as they share the machine with wrk;
# 6. the lean peer (peer/server.js): a hand-written OIP server on fastify and onnxruntime-node, one
#    worker process per core, each session with 1 intra-op and 1 inter-op thread.
# wrk warms every server up with each body, then posts each body at 1, 16 and 64 connections to
# each server in turn, so that the five runs of a row are made within a minute of each other while
# the machine's speed drifts; only the server under load does any work. Every
# run records req/s, p50/p99, non-2xx answers, the server's CPU per request (utime + stime from
# /proc/<pid>/stat, with its child processes for the peer) and its VmRSS at the end. One Markdown table goes to stdout and to
# $OUT_DIR/results.md. Servers listen on free 127.0.0.1 ports and are stopped by PID when the
# script ends, whatever happens; nothing is sent off the machine. About 30 minutes with the
# defaults on 2 cores. Needs Node.js 18 or later for the peer (installed from apt when missing);
# its npm packages are the ones pinned in peer/package-lock.json, installed without their install
# scripts (which would only fetch CUDA libraries).
#
# Environment (defaults):
#   WRK_DURATION=10    seconds per measured wrk run (90 runs)
#   WARMUP=10          seconds of unrecorded wrk load (16 connections) per model and batch before
#                      a server's measured runs (30 in all)
#   CONNECTIONS="1 16 64"
#   ORT_WARMUP=2 ORT_DURATION=5   seconds per OrtBench configuration (24 configurations)
#   GATEWAY_JAVA_OPTS="-Xmx128m -XX:+UseSerialGC"   JVM options of the gateway and the echo server
#   OUT_DIR            default load-tests/target/bench/<timestamp>
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LT=$(dirname "$HERE")
REPO=$(dirname "$LT")

WRK_DURATION=${WRK_DURATION:-10}
WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
ORT_WARMUP=${ORT_WARMUP:-2}
ORT_DURATION=${ORT_DURATION:-5}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC}
read -r -a JAVA_OPTS <<<"$GATEWAY_JAVA_OPTS"
OUT_DIR=${OUT_DIR:-$LT/target/bench/$(date -u +%Y%m%dT%H%M%SZ)}
GATEWAY_JAR=$REPO/target/inference-gateway.jar
BENCH_MODELS=$REPO/target/bench-models
MODELS=(iris-classifier mlp-64-256 mlp-256-1024)
declare -A MODEL_FILE=(
  [iris-classifier]=$REPO/conf/models/iris-classifier/1/model.onnx
  [mlp-64-256]=$BENCH_MODELS/mlp-64-256/1/model.onnx
  [mlp-256-1024]=$BENCH_MODELS/mlp-256-1024/1/model.onnx
)
BATCHES=(1 8)

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- processes this script started, stopped by PID on exit ---------------------------------
# shellcheck source=processes.sh
. "$HERE/processes.sh"

# Runs a command with its output in $OUT_DIR/<name>.log, shown only when it fails.
quietly() {
  local name=$1
  shift
  "$@" >"$OUT_DIR/$name.log" 2>&1 || { cat "$OUT_DIR/$name.log" >&2; die "$name failed: $*"; }
}

# --- tools, output folder, commit, build: always from this tree, so the figures belong to COMMIT
if ! command -v wrk >/dev/null; then
  log "wrk is missing; installing the Debian package"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null
  command -v wrk >/dev/null || die "could not install wrk"
fi
SKIP_BUILD=""
# shellcheck source=prepare.sh
. "$HERE/prepare.sh"
log "writing the bench models (exec:java@bench-models)"
quietly build-bench-models mvn -B -q test-compile exec:java@bench-models
for model in "${MODELS[@]}"; do
  [ -f "${MODEL_FILE[$model]}" ] || die "no model file ${MODEL_FILE[$model]}"
done
log "building the benchmark classes (load-tests)"
quietly build-load-tests mvn -B -q -f "$LT/pom.xml" compile dependency:build-classpath \
  -Dmdep.outputFile="$LT/target/bench-classpath.txt" -DincludeScope=runtime
CP="$LT/target/classes:$(cat "$LT/target/bench-classpath.txt")"

{
  echo "# Benchmark: gateway, HTTP ceiling, ONNX Runtime ceiling"
  echo
  echo "- commit: \`$COMMIT\`, run $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')," \
       "kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs"
  echo "- java: \`$(java -version 2>&1 | head -1)\`; gateway and echo server JVM options" \
       "\`$GATEWAY_JAVA_OPTS\`, OrtBench JVM defaults"
  echo "- $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}'): ${WRK_DURATION} s per run after ${WARMUP} s" \
       "of warm-up at 16 connections per model and batch; OrtBench ${ORT_WARMUP} s warm-up and" \
       "${ORT_DURATION} s measured per configuration"
} >"$OUT_DIR/header.md"

RESULTS="$OUT_DIR/results.tsv"
printf 'server\tmodel\tbatch\tconns\trps\tp50_us\tp99_us\tnon2xx\terrors\tcpu_us_per_req\trss_kib\n' >"$RESULTS"

# --- wrk runs --------------------------------------------------------------------------------
HZ=$(getconf CLK_TCK)
# A process and its children (the peer's workers; the JVMs have none).
tree() { echo "$1" $(pgrep -P "$1" || true); }
# user + system clock ticks of a process and its children
proc_ticks() {
  local pid sum=0
  for pid in $(tree "$1"); do sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done
  echo "$sum"
}
# vm_kib <VmRSS|VmHWM> <pid>: summed over the process and its children
vm_kib() {
  local pid sum=0
  for pid in $(tree "$2"); do
    sum=$((sum + $(awk -v key="$1:" '$1 == key { print $2 }' "/proc/$pid/status")))
  done
  echo "$sum"
}

# run_wrk <server> <model> <batch> <connections> <seconds> [record]
# Posts the model's batch body to the server; with "record", appends wrk's figures, the server's
# CPU per request over the run and its VmRSS at the end to results.tsv.
run_wrk() {
  local server=$1 model=$2 batch=$3 conns=$4 secs=$5 record=${6:-}
  local threads=2 out ticks0 ticks1 line row headers=()
  local SERVER_PID=${SERVER_PIDS[$server]} SERVER_URL=${SERVER_URLS[$server]}
  [ "$conns" -ge 2 ] || threads=1
  [ "$server" != echo-ort ] || headers=("Bench-Rows: $batch")
  out="$OUT_DIR/wrk-$server-$model-b$batch-c$conns-${record:-warmup}.txt"
  ticks0=$(proc_ticks "$SERVER_PID")
  # wrk stops itself after $secs; timeout only guards against a wrk that hangs.
  timeout $((secs + 30)) wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s --latency \
    -s "$HERE/post.lua" "$SERVER_URL/v2/models/$model/infer" -- "$OUT_DIR/body-$model-b$batch.json" "${headers[@]}" \
    >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed for $server $model batch $batch"; }
  kill -0 "$SERVER_PID" 2>/dev/null || die "$server died during a run (see its log in $OUT_DIR)"
  ticks1=$(proc_ticks "$SERVER_PID")
  line=$(grep '^WRK ' "$out") || { cat "$out" >&2; die "no summary from wrk for $server $model"; }
  row=$(echo "$line" | awk -v server="$server" -v model="$model" -v batch="$batch" -v conns="$conns" \
      -v ticks=$((ticks1 - ticks0)) -v hz="$HZ" -v rss="$(vm_kib VmRSS "$SERVER_PID")" '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    errors = f["connect_errors"] + f["read_errors"] + f["write_errors"] + f["timeouts"]
    cpu = f["requests"] > 0 ? ticks * 1e6 / hz / f["requests"] : 0
    printf "%s\t%s\t%s\t%s\t%.1f\t%d\t%d\t%d\t%d\t%.1f\t%d\n", server, model, batch, conns,
      f["rps"], f["p50_us"], f["p99_us"], f["non2xx"], errors, cpu, rss }')
  echo "$row" | awk -F'\t' -v phase="${record:-warm-up}" '{
    printf "  %-11s %-15s batch %s c=%-2s %-7s %8.0f req/s p50 %6d us p99 %6d us non-2xx %d errors %d" \
      " cpu %7.1f us/req rss %4d MiB\n", $1, $2, $3, $4, phase, $5, $6, $7, $8, $9, $10, $11 / 1024 }' >&2
  [ -z "$record" ] || echo "$row" >>"$RESULTS"
}

# warm_up <server>: unrecorded load with every body, so that the recorded runs find it warm.
warm_up() {
  local model batch
  for model in "${MODELS[@]}"; do
    for batch in "${BATCHES[@]}"; do
      run_wrk "$1" "$model" "$batch" 16 "$WARMUP"
    done
  done
}

# SERVERS[i] listens at SERVER_URLS[name] as process SERVER_PIDS[name].
SERVERS=()
declare -A SERVER_PIDS SERVER_URLS
# started <name> <port> <pid> <readiness path> <seconds>: waits for a server just started.
started() {
  local name=$1 port=$2 pid=$3 ready=$4 limit=$5
  PIDS+=("$pid")
  SERVERS+=("$name")
  SERVER_PIDS[$name]=$pid
  SERVER_URLS[$name]="http://127.0.0.1:$port"
  wait_http "http://127.0.0.1:$port$ready" "$pid" "$limit" \
    || { tail -20 "$OUT_DIR/$name.log" >&2; die "$name did not become ready"; }
  log "$name ready on 127.0.0.1:$port (PID $pid), VmRSS $(($(vm_kib VmRSS "$pid") / 1024)) MiB"
}

# --- 1. inference ceiling --------------------------------------------------------------------
log "1/6 inference ceiling: ONNX Runtime in-process (OrtBench)"
for model in "${MODELS[@]}"; do
  java -cp "$CP" io.inferencegateway.loadtest.bench.OrtBench "$model" "${MODEL_FILE[$model]}" \
    "$(IFS=,; echo "${BATCHES[*]}")" 1,2 "$ORT_WARMUP" "$ORT_DURATION" 2>"$OUT_DIR/ort-$model.err" \
    | tee "$OUT_DIR/ort-$model.txt" | sed 's/^/  /' >&2 \
    || { cat "$OUT_DIR/ort-$model.err" >&2; die "OrtBench failed for $model"; }
  grep '^ORT ' "$OUT_DIR/ort-$model.txt" | awk '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      printf "%s-%s\t%s\t%s\t-\t%.1f\t%d\t%d\t-\t-\t%.2f\t%d\n", f["codec"] == "json" ? "ortjson" : "ort",
        f["threads"], f["model"], f["batch"],
        f["calls_per_s"], f["p50_us"], f["p99_us"], f["cpu_us_per_call"], f["rss_kib"]
    }' >>"$RESULTS"
done

# --- 2-6. the servers, all started, then measured by turns ------------------------------------
# gateway_config <true|false> <port>: the three models, listening on 127.0.0.1 only.
gateway_config() {
  local enabled=$1 port=$2 model sep=""
  printf '{\n  "http": {"host": "127.0.0.1", "port": %d},\n  "models": [' "$port"
  for model in "${MODELS[@]}"; do
    printf '%s\n    {"name": "%s", "path": "%s", "batching": {"enabled": %s}}' \
      "$sep" "$model" "${MODEL_FILE[$model]}" "$enabled"
    sep=,
  done
  printf '\n  ]\n}\n'
}

for batching in on off; do
  server=gateway-$batching
  port=$(free_port)
  gateway_config "$([ "$batching" = on ] && echo true || echo false)" "$port" >"$OUT_DIR/$server.json"
  log "$server: java $GATEWAY_JAVA_OPTS -jar $GATEWAY_JAR"
  # Without the caller's GATEWAY_* variables: they would override keys of the generated config.
  (cd "$OUT_DIR" && for name in $(compgen -e -X '!GATEWAY_*'); do unset "$name"; done \
    && exec env GATEWAY_CONFIG="$OUT_DIR/$server.json" GATEWAY_MANAGEMENT_HOST=127.0.0.1 \
      GATEWAY_MANAGEMENT_PORT=0 java "${JAVA_OPTS[@]}" -jar "$GATEWAY_JAR") \
    >"$OUT_DIR/$server.log" 2>&1 &
  started "$server" "$port" $! /v2/health/ready 120
done
for model in "${MODELS[@]}"; do
  for batch in "${BATCHES[@]}"; do
    quietly "payload-$model-b$batch" java -cp "$CP" io.inferencegateway.loadtest.bench.PayloadGen \
      "${SERVER_URLS[gateway-on]}" "$model" "$batch" "$OUT_DIR/body-$model-b$batch.json"
  done
done

port=$(free_port)
log "echo: EchoServer, the HTTP ceiling"
java "${JAVA_OPTS[@]}" -cp "$CP" io.inferencegateway.loadtest.bench.EchoServer "$port" "$(nproc)" \
  >"$OUT_DIR/echo.log" 2>&1 &
started echo "$port" $! / 60

port=$(free_port)
log "echo-ort: EchoServer with the models, both ceilings in one process"
echo_models=()
for model in "${MODELS[@]}"; do echo_models+=("$model=${MODEL_FILE[$model]}"); done
java "${JAVA_OPTS[@]}" -cp "$CP" io.inferencegateway.loadtest.bench.EchoServer "$port" "$(nproc)" \
  "${echo_models[@]}" >"$OUT_DIR/echo-ort.log" 2>&1 &
started echo-ort "$port" $! / 60

PEER=$HERE/peer
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "Node.js is missing; installing the Debian packages"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
log "installing the peer's pinned npm packages (npm ci, no install scripts)"
(cd "$PEER" && export NO_UPDATE_NOTIFIER=1 npm_config_update_notifier=false \
  && quietly peer-npm npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
port=$(free_port)
log "peer: node peer/server.js"
peer_models=()
for model in "${MODELS[@]}"; do peer_models+=("$model=${MODEL_FILE[$model]}"); done
node "$PEER/server.js" "$port" "${peer_models[@]}" >"$OUT_DIR/peer.log" 2>&1 &
started peer "$port" $! /v2/health/ready 60

# The machine's speed drifts over minutes: each row is measured on every server in turn, one
# server loaded at a time while the others sit idle, so that a row's ratios compare runs made
# within a minute of each other.
for server in "${SERVERS[@]}"; do
  log "warming up $server"
  warm_up "$server"
done
log "measuring: each model, batch and connection count on ${SERVERS[*]} in turn"
for model in "${MODELS[@]}"; do
  for batch in "${BATCHES[@]}"; do
    for conns in $CONNECTIONS; do
      for server in "${SERVERS[@]}"; do
        run_wrk "$server" "$model" "$batch" "$conns" "$WRK_DURATION" record
      done
    done
  done
done
declare -A GW_HWM
for batching in on off; do
  GW_HWM[$batching]=$(vm_kib VmHWM "${SERVER_PIDS[gateway-$batching]}")
done
for server in "${SERVERS[@]}"; do stop_pid "${SERVER_PIDS[$server]}"; done

# --- the table -------------------------------------------------------------------------------
{
  cat "$OUT_DIR/header.md"
  echo
  awk -F'\t' -v hwm_on="${GW_HWM[on]}" -v hwm_off="${GW_HWM[off]}" '
    NR == 1 { next }
    { n++; for (i = 1; i <= NF; i++) cell[n, i] = $i
      key = $2 SUBSEP $3 SUBSEP $4
      if ($1 == "echo") { echo_rps[key] = $5; echo_cpu[key] = $10 }
      if ($1 == "echo-ort") { both_rps[key] = $5; both_cpu[key] = $10 }
      if ($1 == "gateway-off") { off_rps[key] = $5; off_p99[key] = $7 }
      if ($1 == "peer") { peer_rps[key] = $5; peer_p99[key] = $7 }
      if ($1 == "ort-1") ort_cpu[$2, $3] = $10
      if ($1 == "ortjson-1") ortjson_cpu[$2, $3] = $10
      if ($1 ~ /^gateway/ && $11 > max_rss[$1]) max_rss[$1] = $11 }
    function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
    END {
      label["gateway-on"] = "gateway, batching on"; label["gateway-off"] = "gateway, batching off"
      label["echo"] = "echo (HTTP ceiling)"; label["echo-ort"] = "echo + ORT, one process"
      label["ort-1"] = "ONNX Runtime, 1 thread"
      label["ort-2"] = "ONNX Runtime, 2 threads"; label["peer"] = "lean peer (node)"
      label["ortjson-1"] = "ORT + JSON, 1 thread"; label["ortjson-2"] = "ORT + JSON, 2 threads"
      print "| server                  | model           | batch | conns |    req/s | p50 µs | p99 µs | non-2xx | CPU µs/req | RSS MiB | CPU ÷ (echo+ORT) | CPU ÷ (echo+ORT+JSON) | req/s ÷ echo | CPU ÷ echo+ORT process | req/s ÷ echo+ORT process | req/s ÷ off | p99 ÷ off | req/s ÷ peer | p99 ÷ peer |"
      print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
      split("gateway-on gateway-off peer echo echo-ort ort-1 ort-2 ortjson-1 ortjson-2", order, " ")
      for (o = 1; o <= 9; o++) for (r = 1; r <= n; r++) {
        if (cell[r, 1] != order[o]) continue
        key = cell[r, 2] SUBSEP cell[r, 3] SUBSEP cell[r, 4]
        rps = cell[r, 5]; p99 = cell[r, 7]; cpu = cell[r, 10]
        bad = cell[r, 8] (cell[r, 9] > 0 ? " +" cell[r, 9] " sock err" : "")
        vs_parts = vs_json = vs_echo = vs_off_rps = vs_off_p99 = vs_peer_rps = vs_peer_p99 = "-"
        vs_both_cpu = vs_both_rps = "-"
        if (order[o] ~ /^gateway/ || order[o] == "echo-ort") {
          if ((key in echo_cpu) && ((cell[r, 2], cell[r, 3]) in ort_cpu))
            vs_parts = ratio(cpu, echo_cpu[key] + ort_cpu[cell[r, 2], cell[r, 3]])
          if ((key in echo_cpu) && ((cell[r, 2], cell[r, 3]) in ortjson_cpu))
            vs_json = ratio(cpu, echo_cpu[key] + ortjson_cpu[cell[r, 2], cell[r, 3]])
          if (key in echo_rps) vs_echo = ratio(rps, echo_rps[key])
        }
        if (order[o] ~ /^gateway/) {
          if (key in both_cpu) {
            vs_both_cpu = ratio(cpu, both_cpu[key]); vs_both_rps = ratio(rps, both_rps[key])
          }
          if (key in peer_rps) {
            vs_peer_rps = ratio(rps, peer_rps[key]); vs_peer_p99 = ratio(p99, peer_p99[key])
          }
        }
        if (order[o] == "gateway-on" && (key in off_rps)) {
          vs_off_rps = ratio(rps, off_rps[key]); vs_off_p99 = ratio(p99, off_p99[key])
        }
        printf "| %-23s | %-15s | %5s | %5s | %8.0f | %6d | %6d | %7s | %10.1f | %7.0f | %16s | %21s | %12s | %22s | %24s | %11s | %9s | %12s | %10s |\n",
          label[order[o]], cell[r, 2], cell[r, 3], cell[r, 4], rps, cell[r, 6], p99, bad, cpu,
          cell[r, 11] / 1024, vs_parts, vs_json, vs_echo, vs_both_cpu, vs_both_rps, vs_off_rps,
          vs_off_p99, vs_peer_rps, vs_peer_p99
      }
      printf "\nGateway VmRSS, highest at the end of a run: %.0f MiB with batching on, %.0f MiB off;" \
        " peak (VmHWM) %.0f and %.0f MiB.\n\n", max_rss["gateway-on"] / 1024,
        max_rss["gateway-off"] / 1024, hwm_on / 1024, hwm_off / 1024
      print "- batch: rows per request (ONNX Runtime: per call); conns: wrk connections."
      print "- CPU µs/req: utime + stime of the server process over the run over its requests;"
      print "  ONNX Runtime (ORT) rows: CPU of the OrtBench process per call. RSS MiB: VmRSS at the end"
      print "  of the run (ORT rows: the OrtBench JVM)."
      print "- ORT + JSON rows: each call also reads its input from the same infer body and writes the"
      print "  answer, with the least Jackson streaming code (LeanJson.java)."
      print "- CPU ÷ (echo+ORT): gateway CPU per request over the echo server'"'"'s at the same model, batch"
      print "  and connections plus ONNX Runtime'"'"'s per call (1 thread, same batch): 1.00 would mean the"
      print "  gateway costs nothing beyond reading and answering HTTP and running the model; below 1"
      print "  when batching runs several requests in one call."
      print "- CPU ÷ (echo+ORT+JSON): the same with the ORT + JSON row (1 thread) in place of ORT'"'"'s:"
      print "  1.00 would mean the gateway costs nothing beyond HTTP, the least JSON work and the run."
      print "- req/s ÷ echo: over the echo server'"'"'s at the same model, batch and connections."
      print "- echo + ORT, one process: the echo server also running the model on each request, as"
      print "  OrtBench calls it, on its event loop (no JSON). Its CPU ÷ (echo+ORT) shows what sharing"
      print "  the machine with wrk adds to the sum of the two ceilings measured apart."
      print "- CPU ÷ echo+ORT process, req/s ÷ echo+ORT process: gateway over that server at the same"
      print "  model, batch and connections."
      print "- req/s ÷ off, p99 ÷ off: batching on over batching off at the same model, batch and connections."
      print "- req/s ÷ peer, p99 ÷ peer: over the lean peer'"'"'s at the same model, batch and connections;"
      print "  the peer'"'"'s CPU and RSS are its primary and worker processes together."
    }' "$RESULTS"
} | tee "$OUT_DIR/results.md"
log "done in $((SECONDS / 60)) min $((SECONDS % 60)) s; every run's output is in $OUT_DIR"
