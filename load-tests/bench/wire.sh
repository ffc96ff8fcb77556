#!/usr/bin/env bash
# Wire formats: the same inference, the demo model mlp (input "input" FP32 [-1,16], output "output"
# FP32 [-1,4]) at batch 64, posted to the gateway in three encodings side by side:
#   json      JSON in, JSON out: "data" holds the 1024 inputs as JSON numbers;
#   bin-json  binary in, JSON out: the JSON request says "binary_data_size": 4096 and the 4096
#             bytes of little-endian FP32 follow it (header Inference-Header-Content-Length);
#   bin-bin   binary in, binary out: as bin-json, and the request's "outputs" entry asks for
#             "binary_data": true, so the answer is application/octet-stream, JSON then 1024 bytes.
#
#   load-tests/bench/wire.sh
#
# Builds the gateway jar from this tree (mvn -DskipTests package in the repo root) unless
# SKIP_BUILD=1, and starts it from the repo root with its own conf/gateway.json, on a free
# 127.0.0.1 port (GATEWAY_HTTP_HOST, GATEWAY_HTTP_PORT). python3 (standard library only) writes the
# three bodies: row r, column c holds float32(sin(16 r + c)), the same values in every encoding;
# JSON numbers are the shortest decimals that read back as the same float32, as a JSON client
# writes them. One curl per encoding measures the bytes on the wire (body, and body plus HTTP
# headers as curl sends and receives them) and checks status 200 and the content type; the three
# answers must hold the same BATCH x 4 outputs. Then wrk warms the gateway up with each body in
# turn, twice, and posts each at every CONNECTIONS count (post.lua), recording req/s, p50/p99,
# non-2xx answers, the gateway's CPU per request (utime + stime from /proc/<pid>/stat over the
# run) and its VmRSS at the end of the run. Two Markdown tables go to stdout and to
# $OUT_DIR/results.md: bytes per request, and the runs, each with its ratio to JSON in / JSON out.
# The gateway is stopped by PID when the script ends, whatever happens; nothing leaves 127.0.0.1.
# About 2 minutes with the defaults on 2 cores, plus the build.
#
# Environment (defaults):
#   WRK_DURATION=10    seconds per measured wrk run (3 encodings x CONNECTIONS runs)
#   WARMUP=5           seconds of unrecorded wrk load (16 connections) per encoding, twice
#   CONNECTIONS="16 64"
#   BATCH=64           rows per request
#   SKIP_BUILD=        1: use the existing target/inference-gateway.jar
#   GATEWAY_JAVA_OPTS="-Xmx128m -XX:+UseSerialGC"
#   PYTHON=python3
#   OUT_DIR            default load-tests/target/wire/<timestamp>
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LT=$(dirname "$HERE")
REPO=$(dirname "$LT")

WRK_DURATION=${WRK_DURATION:-10}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-"16 64"}
BATCH=${BATCH:-64}
SKIP_BUILD=${SKIP_BUILD:-}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC}
read -r -a JAVA_OPTS <<<"$GATEWAY_JAVA_OPTS"
PYTHON=${PYTHON:-python3}
OUT_DIR=${OUT_DIR:-$LT/target/wire/$(date -u +%Y%m%dT%H%M%SZ)}
GATEWAY_JAR=$REPO/target/inference-gateway.jar
MODEL=mlp
ENCODINGS=(json bin-json bin-bin)
declare -A LABEL=(
  [json]="JSON in / JSON out"
  [bin-json]="binary in / JSON out"
  [bin-bin]="binary in / binary out"
)

log() { printf '[wire %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- processes this script started, stopped by PID on exit ---------------------------------
# shellcheck source=processes.sh
. "$HERE/processes.sh"

# --- tools, output folder, commit, build ------------------------------------------------------
# shellcheck source=prepare.sh
. "$HERE/prepare.sh"

# --- bodies ----------------------------------------------------------------------------------
# body-json.json, body-bin-json.bin, body-bin-bin.bin, and in hlen-<encoding> the length of the
# JSON part of each binary body (its Inference-Header-Content-Length).
"$PYTHON" - "$OUT_DIR" "$BATCH" <<'PY'
import json, math, os, struct, sys

out, batch = sys.argv[1], int(sys.argv[2])
cols = 16
values = [struct.unpack('<f', struct.pack('<f', math.sin(i)))[0] for i in range(batch * cols)]

def shortest(v):
    """Fewest significant digits that read back as the same float32."""
    for digits in range(1, 10):
        text = '%.*g' % (digits, v)
        if struct.unpack('<f', struct.pack('<f', float(text)))[0] == v:
            return text
    raise AssertionError(v)

tensor = {"name": "input", "datatype": "FP32", "shape": [batch, cols]}
compact = dict(separators=(',', ':'))
with open(os.path.join(out, 'body-json.json'), 'w') as f:
    f.write(json.dumps({"inputs": [dict(tensor, data=["@"])]}, **compact)
            .replace('"@"', ','.join(shortest(v) for v in values)))

data = struct.pack('<%df' % len(values), *values)
binary_input = dict(tensor, parameters={"binary_data_size": len(data)})
for name, request in (
        ('bin-json', {"inputs": [binary_input]}),
        ('bin-bin', {"inputs": [binary_input],
                     "outputs": [{"name": "output", "parameters": {"binary_data": True}}]})):
    header = json.dumps(request, **compact).encode()
    with open(os.path.join(out, 'body-%s.bin' % name), 'wb') as f:
        f.write(header + data)
    with open(os.path.join(out, 'hlen-%s' % name), 'w') as f:
        f.write('%d\n' % len(header))
PY

declare -A BODY=([json]="$OUT_DIR/body-json.json" [bin-json]="$OUT_DIR/body-bin-json.bin"
                 [bin-bin]="$OUT_DIR/body-bin-bin.bin")
declare -A HEADERS=(
  [json]="Content-Type: application/json"
  [bin-json]="Content-Type: application/octet-stream
Inference-Header-Content-Length: $(cat "$OUT_DIR/hlen-bin-json")"
  [bin-bin]="Content-Type: application/octet-stream
Inference-Header-Content-Length: $(cat "$OUT_DIR/hlen-bin-bin")"
)
# header_args <encoding>: the encoding's request headers, one per line, into the array HDR.
header_args() { mapfile -t HDR <<<"${HEADERS[$1]}"; }

{
  echo "# Wire formats: $MODEL, batch $BATCH, JSON and binary tensors"
  echo
  echo "- commit: \`$COMMIT\`, run $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')," \
       "kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs"
  echo "- java: \`$(java -version 2>&1 | head -1)\`; gateway JVM options \`$GATEWAY_JAVA_OPTS\`," \
       "config conf/gateway.json"
  echo "- $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}'): ${WRK_DURATION} s per run after ${WARMUP} s" \
       "of warm-up at 16 connections per encoding, twice"
} >"$OUT_DIR/header.md"

# --- the gateway -----------------------------------------------------------------------------
port=$(free_port)
log "starting java $GATEWAY_JAVA_OPTS -jar $GATEWAY_JAR on 127.0.0.1:$port"
# Without the caller's GATEWAY_* variables: they would override keys of conf/gateway.json.
(for name in $(compgen -e -X '!GATEWAY_*'); do unset "$name"; done \
  && exec env GATEWAY_HTTP_HOST=127.0.0.1 GATEWAY_HTTP_PORT="$port" \
    GATEWAY_MANAGEMENT_HOST=127.0.0.1 GATEWAY_MANAGEMENT_PORT=0 \
    java "${JAVA_OPTS[@]}" -jar "$GATEWAY_JAR") >"$OUT_DIR/gateway.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
URL="http://127.0.0.1:$port/v2/models/$MODEL/infer"
wait_http "http://127.0.0.1:$port/v2/health/ready" "$SERVER_PID" 120 \
  || { tail -20 "$OUT_DIR/gateway.log" >&2; die "the gateway did not become ready"; }

HZ=$(getconf CLK_TCK)
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
vm_kib() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$2/status"; }
log "gateway ready (PID $SERVER_PID), VmRSS $(($(vm_kib VmRSS "$SERVER_PID") / 1024)) MiB"

# --- bytes on the wire, one curl per encoding --------------------------------------------------
BYTES="$OUT_DIR/bytes.tsv"
printf 'encoding\treq_body\treq_wire\tresp_body\tresp_wire\n' >"$BYTES"
for enc in "${ENCODINGS[@]}"; do
  header_args "$enc"
  curl_args=()
  for h in "${HDR[@]}"; do curl_args+=(-H "$h"); done
  # size_request counts the request's headers and body; size_header the answer's headers.
  read -r code up down hsize reqsize < <(curl -s --max-time 30 -X POST "${curl_args[@]}" \
    --data-binary "@${BODY[$enc]}" -D "$OUT_DIR/answer-$enc.headers" -o "$OUT_DIR/answer-$enc.body" \
    -w '%{http_code} %{size_upload} %{size_download} %{size_header} %{size_request}\n' "$URL" || true)
  [ "${code:-}" = 200 ] || { cat "$OUT_DIR/answer-$enc.body" >&2 2>/dev/null || true
    die "$enc: status ${code:-none}, expected 200"; }
  printf '%s\t%d\t%d\t%d\t%d\n' "$enc" "$up" "$reqsize" "$down" $((hsize + down)) >>"$BYTES"
  log "$enc: 200, request $up B body / $reqsize B with headers, answer $down B body /" \
      "$((hsize + down)) B with headers"
done

# The three answers must carry the same outputs: JSON numbers read back as float32, binary ones
# little-endian FP32 after the JSON header.
"$PYTHON" - "$OUT_DIR" "$BATCH" <<'PY' || die "the answers disagree (see above)"
import json, os, struct, sys

out, batch = sys.argv[1], int(sys.argv[2])

def answer(enc):
    with open(os.path.join(out, 'answer-%s.headers' % enc)) as f:
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(':') for line in f.read().splitlines()[1:] if ':' in line)}
    with open(os.path.join(out, 'answer-%s.body' % enc), 'rb') as f:
        body = f.read()
    return headers, body

def fp32(v):
    return struct.unpack('<f', struct.pack('<f', v))[0]

results = {}
for enc in ('json', 'bin-json', 'bin-bin'):
    headers, body = answer(enc)
    kind = headers.get('content-type', '')
    binary = enc == 'bin-bin'
    expected = 'application/octet-stream' if binary else 'application/json'
    assert kind.startswith(expected), '%s: content-type %r, expected %s' % (enc, kind, expected)
    hlen = int(headers['inference-header-content-length']) if binary else len(body)
    doc = json.loads(body[:hlen])
    [output] = doc['outputs']
    assert output['name'] == 'output' and output['datatype'] == 'FP32', (enc, output)
    assert output['shape'] == [batch, 4], (enc, output['shape'])
    if binary:
        size = output['parameters']['binary_data_size']
        assert 'data' not in output and size == batch * 16 and len(body) == hlen + size, \
            (enc, size, len(body), hlen)
        results[enc] = list(struct.unpack('<%df' % (batch * 4), body[hlen:]))
    else:
        results[enc] = [fp32(v) for v in output['data']]
for enc in ('bin-json', 'bin-bin'):
    assert results[enc] == results['json'], '%s: outputs differ from the JSON answer' % enc
PY
log "the three answers hold the same $BATCH x 4 outputs"

# --- wrk runs --------------------------------------------------------------------------------
RESULTS="$OUT_DIR/results.tsv"
printf 'encoding\tconns\trps\tp50_us\tp99_us\tnon2xx\terrors\tcpu_us_per_req\trss_kib\n' >"$RESULTS"

# run_wrk <encoding> <connections> <seconds> [record]
# Posts the encoding's body; with "record", appends wrk's figures, the gateway's CPU per request
# over the run and its VmRSS at the end to results.tsv.
run_wrk() {
  local enc=$1 conns=$2 secs=$3 record=${4:-}
  local threads=2 out ticks0 ticks1 line row
  [ "$conns" -ge 2 ] || threads=1
  header_args "$enc"
  out="$OUT_DIR/wrk-$enc-c$conns-${record:-warmup}.txt"
  ticks0=$(proc_ticks "$SERVER_PID")
  # wrk stops itself after $secs; timeout only guards against a wrk that hangs.
  timeout $((secs + 30)) wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s --latency \
    -s "$HERE/post.lua" "$URL" -- "${BODY[$enc]}" "${HDR[@]}" \
    >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed for $enc"; }
  kill -0 "$SERVER_PID" 2>/dev/null || die "the gateway died during a run (see $OUT_DIR/gateway.log)"
  ticks1=$(proc_ticks "$SERVER_PID")
  line=$(grep '^WRK ' "$out") || { cat "$out" >&2; die "no summary from wrk for $enc"; }
  row=$(echo "$line" | awk -v enc="$enc" -v conns="$conns" -v ticks=$((ticks1 - ticks0)) \
      -v hz="$HZ" -v rss="$(vm_kib VmRSS "$SERVER_PID")" '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    errors = f["connect_errors"] + f["read_errors"] + f["write_errors"] + f["timeouts"]
    cpu = f["requests"] > 0 ? ticks * 1e6 / hz / f["requests"] : 0
    printf "%s\t%s\t%.1f\t%d\t%d\t%d\t%d\t%.1f\t%d\n", enc, conns, f["rps"], f["p50_us"],
      f["p99_us"], f["non2xx"], errors, cpu, rss }')
  echo "$row" | awk -F'\t' -v phase="${record:-warm-up}" '{
    printf "  %-8s c=%-2s %-7s %8.0f req/s p50 %6d us p99 %6d us non-2xx %d errors %d" \
      " cpu %7.1f us/req rss %4d MiB\n", $1, $2, phase, $3, $4, $5, $6, $7, $8, $9 / 1024 }' >&2
  [ -z "$record" ] || echo "$row" >>"$RESULTS"
}

# Two rounds: the JIT compiles the JSON and the binary paths while the others also run.
log "warm-up: two rounds of ${WARMUP} s per encoding at 16 connections"
for _ in 1 2; do
  for enc in "${ENCODINGS[@]}"; do run_wrk "$enc" 16 "$WARMUP"; done
done
for conns in $CONNECTIONS; do
  log "$conns connections, ${WRK_DURATION} s per encoding"
  for enc in "${ENCODINGS[@]}"; do run_wrk "$enc" "$conns" "$WRK_DURATION" record; done
done
HWM=$(vm_kib VmHWM "$SERVER_PID")
stop_pid "$SERVER_PID"

# --- the tables ------------------------------------------------------------------------------
{
  cat "$OUT_DIR/header.md"
  echo
  awk -F'\t' -v labels="json=${LABEL[json]};bin-json=${LABEL[bin-json]};bin-bin=${LABEL[bin-bin]}" '
    BEGIN { n = split(labels, parts, ";")
      for (i = 1; i <= n; i++) { split(parts[i], kv, "="); label[kv[1]] = kv[2] } }
    function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
    FILENAME == ARGV[1] && FNR > 1 { nb++; for (i = 1; i <= NF; i++) b[nb, i] = $i
      if ($1 == "json") { json_req = $3; json_resp = $5 } }
    FILENAME == ARGV[2] && FNR > 1 { nr++; for (i = 1; i <= NF; i++) r[nr, i] = $i
      if ($1 == "json") json_rps[$2] = $3 }
    END {
      print "Bytes per request (body / body with HTTP headers, as curl sent and received them):"
      print ""
      print "| encoding               |     request B |  response B | request ÷ JSON | response ÷ JSON |"
      print "|---|--:|--:|--:|--:|"
      for (i = 1; i <= nb; i++)
        printf "| %-22s | %13s | %11s | %14s | %15s |\n", label[b[i, 1]], b[i, 2] " / " b[i, 3],
          b[i, 4] " / " b[i, 5], ratio(b[i, 3], json_req), ratio(b[i, 5], json_resp)
      print ""
      print "| encoding               | conns |    req/s | p50 µs | p99 µs | non-2xx | CPU µs/req | RSS MiB | req/s ÷ JSON | CPU ÷ JSON |"
      print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
      for (i = 1; i <= nr; i++) {
        if (r[i, 1] == "json") json_cpu[r[i, 2]] = r[i, 8]
      }
      for (i = 1; i <= nr; i++) {
        bad = r[i, 6] (r[i, 7] > 0 ? " +" r[i, 7] " sock err" : "")
        printf "| %-22s | %5s | %8.0f | %6d | %6d | %7s | %10.1f | %7.0f | %12s | %10s |\n",
          label[r[i, 1]], r[i, 2], r[i, 3], r[i, 4], r[i, 5], bad, r[i, 8], r[i, 9] / 1024,
          ratio(r[i, 3], json_rps[r[i, 2]]), ratio(r[i, 8], json_cpu[r[i, 2]])
      }
    }' "$BYTES" "$RESULTS"
  echo
  echo "- Ratios are over JSON in / JSON out: bytes with headers; req/s and CPU at the same connections."
  echo "- CPU µs/req: utime + stime of the gateway process over the run over its requests."
  echo "  RSS MiB: VmRSS at the end of the run; peak (VmHWM) $((HWM / 1024)) MiB."
  echo "- Every body holds float32(sin(i)), i = 0 .. $((BATCH * 16 - 1)); the three answers were checked"
  echo "  to carry the same outputs."
} | tee "$OUT_DIR/results.md"
log "done in $((SECONDS / 60)) min $((SECONDS % 60)) s; every run's output is in $OUT_DIR"
