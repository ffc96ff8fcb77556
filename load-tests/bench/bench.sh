#!/usr/bin/env bash
# Benchmark: the gateway against its two ceilings, in one run, on this machine.
#
#   load-tests/bench/bench.sh
#
# 1. inference ceiling: ONNX Runtime in-process (OrtBench) on the demo iris-classifier and mlp
#    files, batches of 1, 8 and 64 rows, 1 and 2 threads;
# 2. the gateway: the real jar with the demo config (bound to 127.0.0.1), OIP infer requests for
#    iris-classifier and mlp with wrk at 1, 16 and 64 connections, then its resident memory;
# 3. HTTP ceiling: a minimal Vert.x 5 server (EchoServer) answering a fixed small JSON, with the
#    same wrk runs and the mlp body.
# Then one table of all figures. Servers run one at a time, on free loopback ports, and are
# stopped by PID when the script ends, whatever happens. Nothing is sent off the machine.
#
# Environment (defaults):
#   WRK_DURATION=10    seconds per measured wrk run
#   WARMUP=10          seconds of unrecorded wrk load (16 connections) per model before a server's
#                      runs: 2 x WARMUP for the gateway (both models) and for the echo server
#   CONNECTIONS="1 16 64"
#   ORT_WARMUP=2 ORT_DURATION=5   seconds per OrtBench configuration
#   ORT_BATCHES=1,8,64 ORT_THREADS=1,2
#   GATEWAY_JAR        default <repo>/target/inference-gateway.jar, built when missing
#   GATEWAY_CONFIG     default <repo>/conf/gateway.json (models resolved against its folder)
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
ORT_BATCHES=${ORT_BATCHES:-1,8,64}
ORT_THREADS=${ORT_THREADS:-1,2}
GATEWAY_JAR=${GATEWAY_JAR:-$REPO/target/inference-gateway.jar}
GATEWAY_CONFIG=${GATEWAY_CONFIG:-$REPO/conf/gateway.json}
OUT_DIR=${OUT_DIR:-$LT/target/bench/$(date -u +%Y%m%dT%H%M%SZ)}
MODELS=(iris-classifier mlp)

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- processes this script started, stopped by PID on exit ---------------------------------
PIDS=()
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "PID $pid did not stop in 10 s; killing it"
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A loopback port nobody listens on (a connection attempt is refused).
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found"
}

# Waits until GET $1 answers 200, or the process $2 dies, or $3 seconds pass.
wait_http() {
  local url=$1 pid=$2 limit=$3
  for _ in $(seq 1 $((limit * 10))); do
    kill -0 "$pid" 2>/dev/null || return 1
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" = 200 ]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# --- tools ---------------------------------------------------------------------------------
for tool in java mvn curl awk sed; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
if ! command -v wrk >/dev/null; then
  log "wrk is missing; installing the Debian package"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null
  command -v wrk >/dev/null || die "could not install wrk"
fi

mkdir -p "$OUT_DIR"
log "output in $OUT_DIR"

# --- build -----------------------------------------------------------------------------------
log "building the benchmark classes (load-tests)"
mvn -B -q -f "$LT/pom.xml" compile dependency:build-classpath \
  -Dmdep.outputFile="$LT/target/bench-classpath.txt" -DincludeScope=runtime >"$OUT_DIR/build.log" 2>&1 \
  || { cat "$OUT_DIR/build.log" >&2; die "load-tests build failed"; }
CP="$LT/target/classes:$(cat "$LT/target/bench-classpath.txt")"

if [ ! -f "$GATEWAY_JAR" ]; then
  log "no gateway jar at $GATEWAY_JAR; building it (mvn -DskipTests package in $REPO)"
  (cd "$REPO" && mvn -q -B -DskipTests package) >"$OUT_DIR/gateway-build.log" 2>&1 \
    || { cat "$OUT_DIR/gateway-build.log" >&2; die "gateway build failed"; }
fi
[ -f "$GATEWAY_CONFIG" ] || die "no gateway config at $GATEWAY_CONFIG"
CONF_DIR=$(cd "$(dirname "$GATEWAY_CONFIG")" && pwd)

# The demo config, bound to 127.0.0.1, with model paths made absolute so it can live in OUT_DIR.
sed -e 's#"host"[[:space:]]*:[[:space:]]*"[^"]*"#"host": "127.0.0.1"#' \
    -e 's#"path"[[:space:]]*:[[:space:]]*"\([^/"][^"]*\)"#"path": "'"$CONF_DIR"'/\1"#' \
    "$GATEWAY_CONFIG" >"$OUT_DIR/gateway.json"

# --- machine -------------------------------------------------------------------------------
{
  echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit:    $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown) (of $REPO)"
  echo "gateway:   $GATEWAY_JAR ($(stat -c '%s bytes, modified %y' "$GATEWAY_JAR"))"
  echo "config:    $GATEWAY_CONFIG"
  echo "cpus:      $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'))"
  echo "java:      $(java -version 2>&1 | head -1)"
  echo "wrk:       $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')"
  echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before the runs)"
  echo "settings:  WRK_DURATION=${WRK_DURATION}s WARMUP=${WARMUP}s CONNECTIONS='$CONNECTIONS'" \
       "ORT_WARMUP=${ORT_WARMUP}s ORT_DURATION=${ORT_DURATION}s batches=$ORT_BATCHES threads=$ORT_THREADS"
} | tee "$OUT_DIR/machine.txt"

RESULTS="$OUT_DIR/results.tsv"
printf 'kind\ttarget\tsetup\trps\trows_per_s\tp50_ms\tp99_ms\tfailures\tserver_cpu\twrk_cpu\tmachine_busy\n' >"$RESULTS"

# --- wrk runs --------------------------------------------------------------------------------
NCPU=$(nproc)
# "total idle" jiffies of the whole machine, from /proc/stat
box_jiffies() { awk '/^cpu / { print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6 }' /proc/stat; }
# user+system clock ticks of a process
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run_wrk <label> <url> <body file> <connections> <seconds> <server pid> [record as kind]
# Besides wrk's figures, records the CPU the server used, the CPU wrk used and how busy the whole
# machine was during the run, in cores: what other processes took is busy - server - wrk.
run_wrk() {
  local label=$1 url=$2 body=$3 conns=$4 secs=$5 pid=$6 record=${7:-}
  local threads=2
  [ "$conns" -ge 2 ] || threads=1
  local phase=${record:-warmup}
  local out="$OUT_DIR/wrk-$(echo "$label" | tr ' /' '__')-c$conns-$phase.txt"
  local box0 box1 ticks0 ticks1 wrk_cpu
  box0=$(box_jiffies)
  ticks0=$(proc_ticks "$pid")
  wrk_cpu=$( { TIMEFORMAT='%U %S'; time wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s --latency \
      -s "$HERE/post.lua" "$url" -- "$body" >"$out" 2>&1; } 2>&1 ) \
    || { cat "$out" >&2; die "wrk failed for $label"; }
  box1=$(box_jiffies)
  ticks1=$(proc_ticks "$pid")
  local cpu
  cpu=$(echo "$box0 $box1 $ticks0 $ticks1 $wrk_cpu" | awk -v ncpu="$NCPU" -v hz="$(getconf CLK_TCK)" '{
      total = $3 - $1; idle = $4 - $2; secs = total / ncpu / hz
      printf "%.2f %.2f %.2f", ($6 - $5) / hz / secs, ($7 + $8) / secs, (total - idle) / hz / secs }')
  local line
  line=$(grep '^WRK ' "$out") || { cat "$out" >&2; die "no summary from wrk for $label"; }
  echo "  $label c=$conns ${secs}s ($phase): ${line#WRK }" \
    "cpu(cores): server=${cpu%% *} wrk=$(echo "$cpu" | cut -d' ' -f2) machine=${cpu##* }/$NCPU" >&2
  if [ -n "$record" ]; then
    echo "$line $cpu" | awk -v kind="$record" -v target="$label" -v conns="$conns" '{
      for (i = 2; i <= NF - 3; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      failures = f["non2xx"] + f["connect_errors"] + f["read_errors"] + f["write_errors"] + f["timeouts"]
      printf "%s\t%s\t%s conns\t%.1f\t%.1f\t%.3f\t%.3f\t%d\t%s\t%s\t%s\n", kind, target, conns,
        f["rps"], f["rps"], f["p50_us"] / 1000, f["p99_us"] / 1000, failures, $(NF - 2), $(NF - 1), $NF
    }' >>"$RESULTS"
  fi
}

# --- 1. inference ceiling --------------------------------------------------------------------
log "1/3 inference ceiling: ONNX Runtime in-process"
for model in "${MODELS[@]}"; do
  file="$CONF_DIR/models/$model/1/model.onnx"
  [ -f "$file" ] || die "no model file $file"
  java -cp "$CP" io.inferencegateway.loadtest.bench.OrtBench "$model" "$file" \
    "$ORT_BATCHES" "$ORT_THREADS" "$ORT_WARMUP" "$ORT_DURATION" 2>"$OUT_DIR/ort-$model.err" \
    | tee "$OUT_DIR/ort-$model.txt" | sed 's/^/  /' >&2 \
    || { cat "$OUT_DIR/ort-$model.err" >&2; die "OrtBench failed for $model"; }
  grep '^ORT ' "$OUT_DIR/ort-$model.txt" | awk '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      printf "ort\t%s\tbatch %s, %s thr\t%.1f\t%.1f\t%.3f\t%.3f\t0\t%s\t-\t%s\n", f["model"], f["batch"],
        f["threads"], f["calls_per_s"], f["rows_per_s"], f["p50_us"] / 1000, f["p99_us"] / 1000, f["cpu"],
        f["machine"] < 0 ? "-" : f["machine"]
    }' >>"$RESULTS"
done

# --- 2. the gateway --------------------------------------------------------------------------
GW_PORT=$(free_port)
log "2/3 gateway: $GATEWAY_JAR on 127.0.0.1:$GW_PORT"
(cd "$OUT_DIR" && exec env GATEWAY_CONFIG="$OUT_DIR/gateway.json" GATEWAY_HTTP_PORT="$GW_PORT" \
  java -jar "$GATEWAY_JAR") >"$OUT_DIR/gateway.log" 2>&1 &
GW_PID=$!
PIDS+=("$GW_PID")
GW="http://127.0.0.1:$GW_PORT"
wait_http "$GW/health" "$GW_PID" 60 || { tail -20 "$OUT_DIR/gateway.log" >&2; die "the gateway did not become healthy"; }
log "gateway up (PID $GW_PID), RSS at start $(awk '/VmRSS/ {print $2, $3}' /proc/$GW_PID/status)"

for model in "${MODELS[@]}"; do
  java -cp "$CP" io.inferencegateway.loadtest.bench.PayloadGen "$GW" "$model" 1 \
    "$OUT_DIR/body-$model.json" >&2 || die "payload generation failed for $model"
done

# JIT warm-up of every route first, then the measured runs.
for model in "${MODELS[@]}"; do
  run_wrk "gateway $model" "$GW/v2/models/$model/infer" "$OUT_DIR/body-$model.json" 16 "$WARMUP" "$GW_PID"
done
for model in "${MODELS[@]}"; do
  url="$GW/v2/models/$model/infer"
  for c in $CONNECTIONS; do
    run_wrk "gateway $model" "$url" "$OUT_DIR/body-$model.json" "$c" "$WRK_DURATION" "$GW_PID" gateway
  done
done
kill -0 "$GW_PID" 2>/dev/null || die "the gateway died during the runs (see $OUT_DIR/gateway.log)"
GW_RSS=$(awk '/VmRSS/ {print $2}' /proc/$GW_PID/status)
GW_HWM=$(awk '/VmHWM/ {print $2}' /proc/$GW_PID/status)
log "gateway RSS after the runs: $((GW_RSS / 1024)) MiB (peak $((GW_HWM / 1024)) MiB)"
stop_pid "$GW_PID"
# One access-log line per request: about 15 MB per 100,000 requests before compression.
gzip -f "$OUT_DIR/gateway.log"

# --- 3. HTTP ceiling -------------------------------------------------------------------------
ECHO_PORT=$(free_port)
log "3/3 HTTP ceiling: EchoServer on 127.0.0.1:$ECHO_PORT"
java -cp "$CP" io.inferencegateway.loadtest.bench.EchoServer "$ECHO_PORT" 2 >"$OUT_DIR/echo.log" 2>&1 &
ECHO_PID=$!
PIDS+=("$ECHO_PID")
ECHO="http://127.0.0.1:$ECHO_PORT"
for _ in $(seq 1 300); do
  grep -q 'listening' "$OUT_DIR/echo.log" && break
  kill -0 "$ECHO_PID" 2>/dev/null || { cat "$OUT_DIR/echo.log" >&2; die "EchoServer exited"; }
  sleep 0.1
done
grep -q 'listening' "$OUT_DIR/echo.log" || die "EchoServer did not start"
for model in "${MODELS[@]}"; do
  run_wrk "echo" "$ECHO/" "$OUT_DIR/body-$model.json" 16 "$WARMUP" "$ECHO_PID"
done
for c in $CONNECTIONS; do
  run_wrk "echo" "$ECHO/" "$OUT_DIR/body-mlp.json" "$c" "$WRK_DURATION" "$ECHO_PID" echo
done
ECHO_RSS=$(awk '/VmRSS/ {print $2}' /proc/$ECHO_PID/status)
stop_pid "$ECHO_PID"

# --- the table -------------------------------------------------------------------------------
# A Markdown table, readable as it is in a terminal.
awk -F'\t' -v gw_rss="$GW_RSS" -v gw_hwm="$GW_HWM" -v echo_rss="$ECHO_RSS" -v ncpu="$NCPU" '
  NR == 1 { next }
  { n++; kind[n] = $1; target[n] = $2; setup[n] = $3; rps[n] = $4; rows[n] = $5
    p50[n] = $6; p99[n] = $7; fail[n] = $8; srv[n] = $9; wrk[n] = $10; busy[n] = $11
    if ($1 == "echo") { split($3, s, " "); echo_rps[s[1]] = $4 }
    if ($1 == "ort" && $3 ~ /^batch 1,/ && $4 > ort_best[$2]) ort_best[$2] = $4 }
  END {
    fmt = "| %-27s | %-15s | %8s | %9s | %7s | %7s | %6s | %7s | %6s | %7s | %7s | %7s | %6s |\n"
    printf fmt, "what", "setup", "req/s", "rows/s", "p50 ms", "p99 ms", "non-2xx/err", "vs HTTP", "vs ORT",
      "srv cpu", "req/cpu-s", "wrk cpu", "busy/" ncpu
    printf "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", "---", "---", "--:", "--:", "--:", "--:", "--:", "--:",
      "--:", "--:", "--:", "--:", "--:"
    for (i = 1; i <= n; i++) {
      label = kind[i] == "ort" ? "ONNX Runtime " target[i] : kind[i] == "echo" ? "HTTP ceiling (echo)" : target[i]
      vs_http = "-"; vs_ort = "-"
      if (kind[i] == "gateway") {
        split(setup[i], s, " "); m = target[i]; sub(/^gateway /, "", m)
        if (echo_rps[s[1]] > 0) vs_http = sprintf("%.0f%%", 100 * rps[i] / echo_rps[s[1]])
        if (ort_best[m] > 0) vs_ort = sprintf("%.1f%%", 100 * rps[i] / ort_best[m])
      }
      per_cpu = srv[i] > 0 ? sprintf("%.0f", rps[i] / srv[i]) : "-"
      printf fmt, label, setup[i], sprintf("%.0f", rps[i]), sprintf("%.0f", rows[i]),
        sprintf(p50[i] < 1 ? "%.3f" : "%.2f", p50[i]), sprintf(p99[i] < 1 ? "%.3f" : "%.2f", p99[i]),
        fail[i], vs_http, vs_ort, srv[i], per_cpu, wrk[i], busy[i]
    }
    printf "\ngateway resident memory after the runs: VmRSS %d MiB (VmHWM peak %d MiB); echo server after its runs: VmRSS %d MiB\n",
      gw_rss / 1024, gw_hwm / 1024, echo_rss / 1024
    print "vs HTTP: gateway req/s over the echo server'"'"'s at the same connections."
    print "vs ORT: gateway req/s over the best single-row (batch 1) in-process calls/s for that model."
    print "srv cpu, wrk cpu: cores used by the server (ORT rows: the OrtBench JVM) and by wrk during the"
    print "measured run; req/cpu-s: requests (ORT: calls) per second of server CPU, which other processes"
    print "taking cores do not change much; busy: cores busy on the whole machine (busy - srv - wrk = others)."
  }' "$RESULTS" | tee "$OUT_DIR/table.md"
log "done; every run's output is in $OUT_DIR"
