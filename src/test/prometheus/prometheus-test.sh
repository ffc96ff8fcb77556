#!/usr/bin/env bash
# Integration check with a real Prometheus: starts the gateway and a Prometheus server on
# loopback with the project's scrape config (conf/prometheus.yml, target rewritten to the local
# gateway), sends a known number of inferences, waits for a scrape, and asserts through
# Prometheus's HTTP API that the target is up and the per-model meters hold exactly those counts.
set -euo pipefail
cd "$(dirname "$0")/../../.."

if ! command -v prometheus >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
fi
mvn -q -B -ntp -DskipTests package

work=$(mktemp -d)
gateway_pid=""
prometheus_pid=""
cleanup() {
  [ -n "$prometheus_pid" ] && kill "$prometheus_pid" 2>/dev/null || true
  [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
fail() {
  echo "prometheus-test: FAILED: $*" >&2
  echo "--- gateway log" >&2; tail -20 "$work/gateway.log" >&2 || true
  echo "--- prometheus log" >&2; tail -20 "$work/prometheus.log" >&2 || true
  exit 1
}
# Prints the value of a PromQL query with one result, or nothing.
query() {
  curl -sf --get "http://127.0.0.1:$prometheus_port/api/v1/query" --data-urlencode "query=$1" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if len(r)==1 else "")'
}
await() {  # await DESCRIPTION SECONDS COMMAND...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq "$seconds"); do
    if "$@"; then return 0; fi
    sleep 1
  done
  fail "$what within ${seconds}s"
}

gateway_port=$(free_port)
management_port=$(free_port)
prometheus_port=$(free_port)
# Prometheus scrapes the management port, as in compose.
sed "s/gateway:8081/127.0.0.1:$management_port/" conf/prometheus.yml > "$work/prometheus.yml"
grep -q "127.0.0.1:$management_port" "$work/prometheus.yml" \
  || fail "conf/prometheus.yml does not scrape gateway:8081, the management port"

GATEWAY_HTTP_PORT=$gateway_port GATEWAY_MANAGEMENT_PORT=$management_port \
  java -jar target/inference-gateway.jar > "$work/gateway.log" 2>&1 &
gateway_pid=$!
await "gateway healthy" 60 curl -sf -o /dev/null "http://127.0.0.1:$management_port/health"

prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prometheus_port" > "$work/prometheus.log" 2>&1 &
prometheus_pid=$!
await "prometheus ready" 60 curl -sf -o /dev/null "http://127.0.0.1:$prometheus_port/-/ready"

sent=7
body='{"inputs":[{"name":"input","datatype":"FP32","shape":[1,16],"data":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}]}'
for _ in $(seq $sent); do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
    -d "$body" "http://127.0.0.1:$gateway_port/v2/models/mlp/infer")
  [ "$status" = 200 ] || fail "inference answered $status"
done
curl -s -o /dev/null -d '{"inputs":[]}' "http://127.0.0.1:$gateway_port/v2/models/mlp/infer"

success='gateway_inference_requests_total{model="mlp",outcome="success"}'
scraped_all() { [ "$(query "$success")" = "$sent" ]; }
await "a scrape that saw all $sent inferences" 60 scraped_all

target_up() {
  curl -sf "http://127.0.0.1:$prometheus_port/api/v1/targets" | python3 -c '
import json, sys
targets = json.load(sys.stdin)["data"]["activeTargets"]
sys.exit(0 if any(t["labels"]["job"] == "inference-gateway" and t["health"] == "up" for t in targets) else 1)'
}
target_up || fail "the gateway target is not up"

check() {  # check DESCRIPTION QUERY EXPECTED
  local got
  got=$(query "$2")
  [ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
  echo "ok  $1: $2 = $got"
}
echo "ok  gateway target is up"
check "successful inferences" "$success" "$sent"
check "refused request" 'gateway_inference_requests_total{model="mlp",outcome="client_error"}' 1
check "runs in the inference histogram" 'gateway_inference_duration_seconds_count{model="mlp"}' "$sent"
check "histogram buckets hold the runs" \
  'max(gateway_inference_duration_seconds_bucket{model="mlp",le="+Inf"})' "$sent"
check "queue-wait samples" 'gateway_queue_wait_seconds_count{model="mlp"}' "$sent"
check "models ready" 'sum(gateway_model_state)' 5
check "HTTP metrics by route" \
  'sum(gateway_http_requests_total{route="/v2/models/:name/infer",code="200"})' "$sent"

# Every query of the Grafana dashboard must be PromQL that this Prometheus accepts.
python3 - "$prometheus_port" conf/grafana/inference-gateway.json <<'PY' || fail "a dashboard query"
import json, sys, urllib.parse, urllib.request
port, path = sys.argv[1], sys.argv[2]
exprs = [t["expr"] for p in json.load(open(path))["panels"] for t in p["targets"]]
for expr in exprs:
    query = expr.replace("$__rate_interval", "1m")
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    answer = json.load(urllib.request.urlopen(url))
    if answer["status"] != "success":
        sys.exit(f"dashboard query failed: {expr}: {answer}")
    print(f"ok  dashboard query answers ({len(answer['data']['result'])} series): {expr[:70]}")
PY
echo "prometheus-test: passed"
