#!/usr/bin/env bash
# Compose test: runs docker-compose.yml for real and checks what the stack promises.
#
#   bash src/test/compose/compose-test.sh
#
# 1. engine: podman's Docker-compatible API service on a private socket, with Debian's
#    docker-compose (1.29) talking to it through DOCKER_HOST
# 2. images: the JRE and JDK base images made from Debian packages with debootstrap (the same
#    ones, cached under the same names, as src/test/container/container-test.sh), the gateway
#    image built from ./Dockerfile on them and tagged inference-gateway:local (the name the
#    compose file gives it), and a Prometheus image from Debian's prometheus package with the
#    official image's layout (cached as localhost/gateway-prometheus:debian); compose builds and
#    pulls nothing
# 3. `up -d`: the gateway node and one worker join over Hazelcast; the gateway's HEALTHCHECK
#    (compose's copy) turns healthy once the worker's models are ready, an inference answers 200
#    on the published data port, and Prometheus scrapes the management port by service name
#    (target gateway:8081 up, the inferences counted)
# 4. `--profile broken up -d gateway-broken`: /health 503 on its published management port, and
#    the service turns unhealthy once its start period is over
# 5. `up -d --scale worker=3`: the gateway node's /health lists three ready replicas of every
#    model, inferences spread over the workers, and a worker killed with SIGKILL loses no request
#    while its models stay UP on the others
# 6. `stop`: every service ends within its grace period; `down -v` leaves nothing of the project
#
# Every port is published on 127.0.0.1 only, on free ports, under a project name of its own, so a
# stack already running is not disturbed. `down` runs on every exit.
#
# Needs root. Installs podman, runc, debootstrap and docker-compose with apt-get when missing.
# There is no systemd here, so podman cannot time health checks: the test runs the container's
# HEALTHCHECK itself (podman healthcheck run) and reads the status that compose would show.
# The helpers it shares with src/test/container/container-test.sh are in
# src/test/container/containers.sh.
#
# Environment:
#   COMPOSE_TEST_KEEP_IMAGE=1   keep the built image as inference-gateway:local (by default it is
#                               removed, and an earlier inference-gateway:local gets its tag back)
#   COMPOSE_TEST_SUITE          Debian suite of the base images (default bookworm: Java 17)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
TEST_NAME="compose-test"
TIMINGS_WIDTH=40
COMPOSE_FILE_PATH=$ROOT/docker-compose.yml
SUITE=${COMPOSE_TEST_SUITE:-bookworm}
PROMETHEUS_BASE=localhost/gateway-prometheus:debian
# The compose file names the image inference-gateway:local; podman stores it under localhost/.
IMAGE=localhost/inference-gateway:local
PROJECT=composetest$$
# Bounds of the waits, in seconds.
COMPOSE_TIMEOUT_S=180
HEALTHY_TIMEOUT_S=90
SCRAPE_TIMEOUT_S=60
# Past the broken service's start period (read from its container), how long it may take.
UNHEALTHY_EXTRA_S=40
INFERENCES=3
SERVICE_PID=""

# shellcheck source=src/test/container/containers.sh
source "$ROOT/src/test/container/containers.sh"

SOCKET=$TMP/podman.sock

# ---------------------------------------------------------------------------------------------
# Engine and compose

# The compose file's variables that change what it runs: the test runs its defaults.
unset GATEWAY_HTTP_PORT GATEWAY_MANAGEMENT_PORT GATEWAY_CONF_DIR GATEWAY_CONFIG \
      GATEWAY_DRAIN_DELAY_MS GATEWAY_LOG_FORMAT JAVA_TOOL_OPTIONS COMPOSE_PROFILES COMPOSE_FILE \
      COMPOSE_PROJECT_NAME BUILD_IMAGE RUNTIME_IMAGE

compose() {
  timeout "$COMPOSE_TIMEOUT_S" env DOCKER_HOST="unix://$SOCKET" \
    docker-compose --ansi never -f "$COMPOSE_FILE_PATH" -p "$PROJECT" "$@"
}

# compose_logged NAME ARGS...: runs compose, its output in $TMP/compose-NAME.log, shown on failure.
compose_logged() {
  local name=$1
  shift
  if ! compose "$@" > "$TMP/compose-$name.log" 2>&1; then
    cat "$TMP/compose-$name.log" >&2
    return 1
  fi
}

# The Docker API, as compose sees it: GET PATH on the service's socket.
api_get() { curl --silent --fail --max-time 10 --unix-socket "$SOCKET" "http://localhost$1"; }

# ---------------------------------------------------------------------------------------------
# Cleanup

# Whatever of the project is left, found by compose's labels.
project_leftovers() {
  local filter=label=com.docker.compose.project=$PROJECT
  podman ps -a -q --filter "$filter" 2>/dev/null | sed 's/^/container /'
  podman network ls -q --filter "$filter" 2>/dev/null | sed 's/^/network /'
  podman volume ls -q --filter "$filter" 2>/dev/null | sed 's/^/volume /'
}

remove_project() {
  local kind id
  if [[ -n $SERVICE_PID ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    compose --profile broken --profile loadtest down -v --remove-orphans -t 5 \
      > "$TMP/compose-down-trap.log" 2>&1 || cat "$TMP/compose-down-trap.log" >&2
  fi
  # Containers first: a network or volume in use cannot go.
  while read -r kind id; do
    case $kind in
      container) podman rm -f -v -t 0 "$id" >/dev/null 2>&1 || true ;;
    esac
  done < <(project_leftovers)
  while read -r kind id; do
    case $kind in
      network) podman network rm -f "$id" >/dev/null 2>&1 || true ;;
      volume) podman volume rm -f "$id" >/dev/null 2>&1 || true ;;
    esac
  done < <(project_leftovers)
}

# What the exit trap removes: the project, the API service, and the image unless it is to be
# kept (an earlier inference-gateway:local gets its tag back).
release_resources() {
  remove_project
  if [[ -n $SERVICE_PID ]]; then
    kill "$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  if [[ -n ${IMAGE_BUILT:-} && $IMAGE_BUILT != "${PREVIOUS_IMAGE:-}" \
        && ${COMPOSE_TEST_KEEP_IMAGE:-0} != 1 ]]; then
    podman rmi "$IMAGE" >/dev/null 2>&1 || true
    if [[ -n ${PREVIOUS_IMAGE:-} ]] && podman image exists "$PREVIOUS_IMAGE"; then
      podman tag "$PREVIOUS_IMAGE" "$IMAGE" >/dev/null 2>&1 || true
    fi
  fi
}

# ---------------------------------------------------------------------------------------------
# 1. Prerequisites and the engine

prerequisites() {
  [[ $(id -u) == 0 ]] || fail "needs root (rootful podman, debootstrap)"
  install_missing curl python3 podman runc debootstrap
  # Its recommended docker.io engine is not needed: podman serves the API.
  install_lean docker-compose
  use_podman
  ENGINE_READY=1
  log "engine: $(podman --version), runtime $(podman info --format '{{.Host.OCIRuntime.Name}}')," \
    "cgroups $(podman info --format '{{.Host.CgroupManager}}');" \
    "network backend $(podman info --format '{{.Host.NetworkBackend}}')"
  log "compose: $(docker-compose version --short)"
  pass "podman and docker-compose present, podman on runc and cgroupfs"
}

# Podman's Docker-compatible API on a socket of its own, for as long as the test runs.
api_service() {
  podman system service --time=0 "unix://$SOCKET" > "$TMP/service.log" 2>&1 &
  SERVICE_PID=$!
  local started
  started=$(now_ms)
  until api_get /_ping >/dev/null 2>&1; do
    if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
      cat "$TMP/service.log" >&2
      fail "podman system service exited"
    fi
    (( $(now_ms) - started < 30000 )) || fail "the API socket did not answer within 30 s"
    sleep 0.2
  done
  local version
  version=$(api_get /version \
    | python3 -c 'import json,sys; v=json.load(sys.stdin); print("podman", v["Version"] + ", Docker API", v["ApiVersion"])')
  log "API service (pid $SERVICE_PID) on $SOCKET"
  # compose reaches the engine through it.
  compose version > "$TMP/compose-version.log" 2>&1 \
    || { cat "$TMP/compose-version.log" >&2; fail "docker-compose cannot talk to the API service"; }
  pass "podman's Docker-compatible API answers on a private socket ($version)"
}

# ---------------------------------------------------------------------------------------------
# 2. Images

# Prometheus's storage, writable by the user the official image runs as (nobody).
prepare_prometheus_rootfs() { install -d -o 65534 -g 65534 "$1/prometheus"; }

# The official prom/prometheus image's layout: runs as nobody in /prometheus (a volume, its
# storage), config at /etc/prometheus/prometheus.yml, web and API on 0.0.0.0:9090.
PROMETHEUS_CHANGES=(
  --change 'USER 65534:65534'
  --change 'WORKDIR /prometheus'
  --change 'VOLUME /prometheus'
  --change 'EXPOSE 9090'
  --change 'ENTRYPOINT ["/usr/bin/prometheus"]'
  --change 'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.listen-address=0.0.0.0:9090"]'
)

base_images() {
  start_java_bases
  start_base "$PROMETHEUS_BASE" prometheus prepare_prometheus_rootfs "${PROMETHEUS_CHANGES[@]}"
  if ((${#BASES_MADE[@]} == 0)); then
    log "cached: $RUNTIME_BASE, $BUILD_BASE, $PROMETHEUS_BASE"
  fi
  wait_bases
  local version
  version=$(podman run --rm "$PROMETHEUS_BASE" --version 2>&1 | head -1)
  [[ $version == prometheus* ]] || fail "$PROMETHEUS_BASE does not run prometheus: $version"
  pass "base images ready${BASES_MADE:+ (made ${BASES_MADE[*]})}; $PROMETHEUS_BASE: $version"
}

build_image() {
  PREVIOUS_IMAGE=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  # Without layers the build leaves no image but its result.
  build_gateway_image --layers=false "${BASE_BUILD_ARGS[@]}"
  IMAGE_BUILT=$(podman image inspect --format '{{.Id}}' "$IMAGE")
  # Compose asks the API for the name the compose file gives; it must find this image.
  api_get "/images/inference-gateway:local/json" > "$TMP/image.json" \
    || fail "the Docker API does not find inference-gateway:local"
  pass "image built from Dockerfile, found by the Docker API as inference-gateway:local"
}

# ---------------------------------------------------------------------------------------------
# Helpers for the running stack

# The container of a service.
service_container() {
  local id
  id=$(compose ps -q "$1" 2>/dev/null | head -1)
  [[ -n $id ]] || fail "compose has no container for $1"
  printf '%s' "$id"
}

# The health status the Docker API reports, which is what `docker-compose ps` shows.
api_health_status() {
  api_get "/containers/$1/json" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["State"]["Health"]["Status"])'
}

# await SECONDS COMMAND...: runs COMMAND every second until it succeeds; fails after SECONDS.
await() {
  local seconds=$1 started
  shift
  started=$(now_ms)
  until "$@"; do
    (( $(now_ms) - started < seconds * 1000 )) || return 1
    sleep 1
  done
}

# ---------------------------------------------------------------------------------------------
# 3. up: gateway and Prometheus

GATEWAY_ID=""
WORKER_ID=""
PROMETHEUS_ID=""
BROKEN_ID=""

compose_up() {
  local ports=()
  read -r -a ports < <(free_ports 5) || true
  ((${#ports[@]} == 5)) || fail "no five free ports on 127.0.0.1"
  # "127.0.0.1:PORT" in the compose file's "${GATEWAY_PORT:-8080}:8080" publishes on loopback only.
  export GATEWAY_PORT=127.0.0.1:${ports[0]}
  export GATEWAY_MANAGEMENT_HOST_PORT=127.0.0.1:${ports[1]}
  export PROMETHEUS_PORT=127.0.0.1:${ports[2]}
  export GATEWAY_BROKEN_PORT=127.0.0.1:${ports[3]}
  export GATEWAY_BROKEN_MANAGEMENT_PORT=127.0.0.1:${ports[4]}
  export PROMETHEUS_IMAGE=$PROMETHEUS_BASE
  DATA_PORT=${ports[0]}
  MANAGEMENT_PORT=${ports[1]}
  PROM_PORT=${ports[2]}
  BROKEN_DATA_PORT=${ports[3]}
  BROKEN_MANAGEMENT_PORT=${ports[4]}
  log "project $PROJECT: gateway 127.0.0.1:$DATA_PORT (management $MANAGEMENT_PORT)," \
    "prometheus $PROM_PORT, gateway-broken $BROKEN_DATA_PORT (management $BROKEN_MANAGEMENT_PORT)"

  compose_logged up up -d --no-build || fail "docker-compose up -d"
  GATEWAY_ID=$(service_container gateway)
  WORKER_ID=$(service_container worker)
  PROMETHEUS_ID=$(service_container prometheus)
  local id
  for id in "$GATEWAY_ID" "$WORKER_ID" "$PROMETHEUS_ID"; do
    [[ $(podman inspect --format '{{.State.Running}}' "$id") == true ]] \
      || { show_logs "$id"; fail "$(podman inspect --format '{{.Name}}' "$id") is not running"; }
  done
  # Every published port on loopback, and nothing else.
  podman inspect "$GATEWAY_ID" "$WORKER_ID" "$PROMETHEUS_ID" > "$TMP/inspect-up.json"
  python3 - "$TMP/inspect-up.json" <<'EOF' || fail "published ports"
import json, sys
for c in json.load(open(sys.argv[1])):
    for port, bindings in (c["NetworkSettings"]["Ports"] or {}).items():
        for b in bindings or []:
            assert b["HostIp"] == "127.0.0.1", (c["Name"], port, b)
EOF
  pass "up -d: gateway, worker and prometheus running, ports published on 127.0.0.1 only"
  # The engine's own words on health-check timers (no systemd here): the test probes instead.
  local note
  note=$(grep -m1 'systemd connection' "$TMP/service.log" || true)
  [[ -z $note ]] || log "engine: $note"
}

gateway_healthy() {
  local started status="" probes=0
  started=$(now_ms)
  # The container runs the compose file's healthcheck (config prints $ as $$), not the image's.
  podman inspect --format '{{json .Config.Healthcheck}}' "$GATEWAY_ID" > "$TMP/healthcheck.json"
  compose config > "$TMP/config.yml" 2>/dev/null || fail "docker-compose config"
  python3 - "$TMP/config.yml" "$TMP/healthcheck.json" <<'EOF' \
    || fail "the gateway's health check is not the compose file's: $(cat "$TMP/healthcheck.json")"
import json, sys, yaml
test = yaml.safe_load(open(sys.argv[1]))["services"]["gateway"]["healthcheck"]["test"]
assert json.load(open(sys.argv[2]))["Test"] == [part.replace("$$", "$") for part in test]
EOF
  while true; do
    probe "$GATEWAY_ID" || true
    probes=$((probes + 1))
    status=$(health_status "$GATEWAY_ID")
    [[ $status == healthy ]] && break
    [[ $(podman inspect --format '{{.State.Running}}' "$GATEWAY_ID") == true ]] \
      || { show_logs "$GATEWAY_ID"; fail "the gateway stopped while starting"; }
    if (( $(now_ms) - started > HEALTHY_TIMEOUT_S * 1000 )); then
      show_logs "$GATEWAY_ID"
      fail "gateway still '$status' after ${HEALTHY_TIMEOUT_S}s ($probes probes)"
    fi
    sleep 1
  done
  local api_status
  api_status=$(api_health_status "$GATEWAY_ID")
  [[ $api_status == healthy ]] || fail "the Docker API reports the gateway '$api_status'"
  pass "gateway healthy by the compose file's healthcheck after $(seconds_since "$started") s ($probes probes), as the Docker API reports it"
}

gateway_serves() {
  local i
  for ((i = 0; i < INFERENCES; i++)); do
    expect_inference "$DATA_PORT" iris-classifier "$IRIS_REQUEST"
  done
  pass "$INFERENCES inferences through the published data port 127.0.0.1:$DATA_PORT: 200"

  # mem_limit: the container's memory cgroup holds the compose file's 256m.
  local limit
  limit=$(podman exec "$GATEWAY_ID" sh -c \
    'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes')
  [[ $limit == $((256 * 1024 * 1024)) ]] || fail "the gateway's memory limit is '$limit', not 256 MiB"
  pass "mem_limit 256m in force in the gateway's cgroup"
}

# prometheus_query QUERY: the value of a query with exactly one result, or nothing.
prometheus_query() {
  curl --silent --fail --max-time 10 --get "http://127.0.0.1:$PROM_PORT/api/v1/query" \
      --data-urlencode "query=$1" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if len(r)==1 else "")' \
    || true
}

# The gateway's target, scraped by service name on the management port, is up.
target_up() {
  curl --silent --fail --max-time 10 "http://127.0.0.1:$PROM_PORT/api/v1/targets" > "$TMP/targets.json" \
    || return 1
  python3 - "$TMP/targets.json" <<'EOF'
import json, sys
targets = json.load(open(sys.argv[1]))["data"]["activeTargets"]
ok = [t for t in targets
      if t["labels"].get("job") == "inference-gateway"
      and t["labels"].get("instance") == "gateway:8081"
      and t["scrapeUrl"] == "http://gateway:8081/metrics"
      and t["health"] == "up"]
sys.exit(0 if ok else 1)
EOF
}

SUCCESS_QUERY='gateway_inference_requests_total{job="inference-gateway",instance="gateway:8081",model="iris-classifier",outcome="success"}'
scraped_inferences() { [[ $(prometheus_query "$SUCCESS_QUERY") == "$INFERENCES" ]]; }
gateway_up() { [[ $(prometheus_query 'up{job="inference-gateway",instance="gateway:8081"}') == 1 ]]; }

prometheus_scrapes() {
  local started
  started=$(now_ms)
  await "$SCRAPE_TIMEOUT_S" curl --silent --fail --max-time 5 --output /dev/null \
      "http://127.0.0.1:$PROM_PORT/-/ready" \
    || { show_logs "$PROMETHEUS_ID"; fail "Prometheus not ready within ${SCRAPE_TIMEOUT_S}s"; }
  if ! await "$SCRAPE_TIMEOUT_S" target_up; then
    log "targets: $(head -c 1500 "$TMP/targets.json" 2>/dev/null)"
    show_logs "$PROMETHEUS_ID"
    fail "no target gateway:8081 of job inference-gateway up within ${SCRAPE_TIMEOUT_S}s"
  fi
  pass "Prometheus target http://gateway:8081/metrics (job inference-gateway, instance gateway:8081) up"

  gateway_up || fail "up{job=\"inference-gateway\",instance=\"gateway:8081\"} is '$(prometheus_query 'up{job="inference-gateway"}')', not 1"
  pass "query up{job=\"inference-gateway\"} = 1 for instance gateway:8081"

  await "$SCRAPE_TIMEOUT_S" scraped_inferences \
    || fail "$SUCCESS_QUERY is '$(prometheus_query "$SUCCESS_QUERY")', not $INFERENCES"
  pass "Prometheus counted the $INFERENCES inferences from gateway:8081 ($(seconds_since "$started") s)"
}

# ---------------------------------------------------------------------------------------------
# 4. The broken profile

# The /health body in $TMP/body: corrupt DOWN, the good models UP.
broken_health_body() {
  python3 - "$TMP/body" <<'EOF'
import json, sys
checks = {c["id"]: c for c in json.load(open(sys.argv[1]))["checks"]}
assert checks["corrupt"]["status"] == "DOWN", checks["corrupt"]
for good in ("iris-classifier", "mlp"):
    assert checks[good]["status"] == "UP", checks[good]
EOF
}
broken_answers_503() {
  [[ $(http GET "http://127.0.0.1:$BROKEN_MANAGEMENT_PORT/health") == 503 ]] && broken_health_body 2>/dev/null
}

broken_profile() {
  compose_logged broken --profile broken up -d --no-build gateway-broken \
    || fail "docker-compose --profile broken up -d gateway-broken"
  BROKEN_ID=$(service_container gateway-broken)
  [[ $(service_container gateway) == "$GATEWAY_ID" ]] || fail "the gateway was recreated"
  local started_ms start_period_s
  started_ms=$(podman inspect --format '{{.State.StartedAt.UnixMilli}}' "$BROKEN_ID")
  # In nanoseconds in the JSON; the template would print a Go duration such as 20s.
  start_period_s=$(podman inspect --format '{{json .Config.Healthcheck}}' "$BROKEN_ID" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("StartPeriod", 0) // 10**9)')
  ((start_period_s > 0)) || fail "gateway-broken has no health-check start period"
  log "gateway-broken started; start period ${start_period_s}s; the gateway left as it was"

  if ! await 60 broken_answers_503; then
    show_logs "$BROKEN_ID"
    fail "gateway-broken: /health did not answer 503 with corrupt DOWN: $(head -c 600 "$TMP/body")"
  fi
  pass "gateway-broken: /health 503 naming corrupt on 127.0.0.1:$BROKEN_MANAGEMENT_PORT"

  # Failures inside the start period leave the status 'starting'; after it, the retries' worth
  # of failed probes make it 'unhealthy'.
  local deadline_ms=$(( (start_period_s + UNHEALTHY_EXTRA_S) * 1000 )) rc status="" probes=0
  local elapsed_ms starting=0
  while true; do
    rc=0
    probe "$BROKEN_ID" || rc=$?
    probes=$((probes + 1))
    status=$(health_status "$BROKEN_ID")
    elapsed_ms=$(( $(now_ms) - started_ms ))
    [[ $status != healthy ]] || fail "a gateway with a corrupt model was reported healthy"
    [[ $status != starting ]] || starting=$((starting + 1))
    if [[ $status == unhealthy ]]; then
      [[ $rc == 1 ]] || fail "unhealthy, but the last HEALTHCHECK run exited $rc, not 1"
      ((starting > 0)) || fail "unhealthy at the first probe, $((elapsed_ms / 1000)) s after start"
      (( elapsed_ms >= start_period_s * 1000 )) \
        || fail "unhealthy after $((elapsed_ms / 1000)) s, inside the ${start_period_s}s start period"
      break
    fi
    (( elapsed_ms < deadline_ms )) \
      || fail "gateway-broken still '$status' $((elapsed_ms / 1000)) s after start ($probes probes)"
    sleep 1
  done
  local api_status
  api_status=$(api_health_status "$BROKEN_ID")
  [[ $api_status == unhealthy ]] || fail "the Docker API reports gateway-broken '$api_status'"
  pass "gateway-broken: failed probes left it starting ($starting of them), then unhealthy $((elapsed_ms / 1000)).$(( elapsed_ms % 1000 / 100 )) s after start ($probes probes), as the Docker API reports it"

  compose --profile broken ps > "$TMP/ps.log" 2>&1 || true
  sed 's/^/    /' "$TMP/ps.log" >&2
  [[ $(health_status "$GATEWAY_ID") == healthy ]] || fail "the gateway is no longer healthy"
}

# ---------------------------------------------------------------------------------------------
# 5. More workers

WORKERS=3
CLUSTER_READY_TIMEOUT_S=180
# The workers left running, whose stop is checked with the others'.
CLUSTER_IDS=()
CLUSTER_INFERENCES=60

# The gateway's /health: 200, every model with COUNT READY replicas.
cluster_replicas() {
  local count=$1
  [[ $(http GET "http://127.0.0.1:$MANAGEMENT_PORT/health") == 200 ]] || return 1
  # Quiet: it fails while the replicas are still coming, and the await reports the last body.
  python3 - "$TMP/body" "$count" 2>/dev/null <<'EOF'
import json, sys
checks = [c for c in json.load(open(sys.argv[1]))["checks"] if "replicas" in c.get("data", {})]
assert checks
for check in checks:
    states = [r["state"] for r in check["data"]["replicas"]]
    assert states == ["READY"] * int(sys.argv[2]), (check["id"], states)
EOF
}

# A worker container's count of iris-classifier runs, read on its own management port.
worker_runs() {
  podman exec "$1" curl --silent --max-time 5 http://127.0.0.1:8081/metrics \
    | sed -n 's/^gateway_inference_duration_seconds_count{.*model="iris-classifier".*} //p' \
    | head -1
}

scale_workers() {
  compose_logged scale up -d --no-build --no-recreate --scale "worker=$WORKERS" worker \
    || fail "docker-compose up -d --scale worker=$WORKERS"
  local workers=() id
  mapfile -t workers < <(compose ps -q worker 2>/dev/null)
  ((${#workers[@]} == WORKERS)) || fail "compose runs ${#workers[@]} workers, not $WORKERS"
  [[ $(service_container gateway) == "$GATEWAY_ID" ]] || fail "the gateway was recreated"
  if ! await "$CLUSTER_READY_TIMEOUT_S" cluster_replicas "$WORKERS"; then
    show_logs "$GATEWAY_ID"
    show_logs "${workers[-1]}"
    fail "the gateway's /health never listed $WORKERS ready replicas: $(head -c 800 "$TMP/body")"
  fi
  pass "--scale worker=$WORKERS: the gateway node's /health lists $WORKERS ready replicas of every model"

  local i before=() spread=()
  for id in "${workers[@]}"; do
    before+=("$(worker_runs "$id")")
  done
  for ((i = 0; i < CLUSTER_INFERENCES; i++)); do
    expect_inference "$DATA_PORT" iris-classifier "$IRIS_REQUEST"
  done
  for i in "${!workers[@]}"; do
    spread+=("$(python3 -c 'import sys; print(int(float(sys.argv[1] or 0) - float(sys.argv[2] or 0)))' \
      "$(worker_runs "${workers[$i]}")" "${before[$i]}")")
  done
  python3 - "$CLUSTER_INFERENCES" "${spread[@]}" <<'EOF' || fail "inferences not spread over the workers: ${spread[*]}"
import sys
total, runs = int(sys.argv[1]), [int(r) for r in sys.argv[2:]]
assert sum(runs) == total and all(r > 0 for r in runs), runs
EOF
  pass "$CLUSTER_INFERENCES inferences through the gateway node, run by the workers as ${spread[*]}"

  podman kill --signal KILL "${workers[0]}" >/dev/null || fail "podman kill ${workers[0]}"
  for ((i = 0; i < CLUSTER_INFERENCES; i++)); do
    expect_inference "$DATA_PORT" iris-classifier "$IRIS_REQUEST"
  done
  if ! await 30 cluster_replicas $((WORKERS - 1)); then
    fail "after SIGKILL of a worker, /health did not list $((WORKERS - 1)) ready replicas: $(head -c 800 "$TMP/body")"
  fi
  pass "a worker killed with SIGKILL: $CLUSTER_INFERENCES inferences after it all 200, its models UP on the $((WORKERS - 1)) others"
  CLUSTER_IDS=("${workers[@]:1}")
}

# ---------------------------------------------------------------------------------------------
# 6. stop and down

stop_and_down() {
  local started id name code grace_s=0 timeout
  # The longest grace period of the services stopped: compose waits for each up to its own.
  for id in "$GATEWAY_ID" "$BROKEN_ID" "$PROMETHEUS_ID" "${CLUSTER_IDS[@]}"; do
    timeout=$(podman inspect --format '{{.Config.StopTimeout}}' "$id")
    ((timeout > grace_s)) && grace_s=$timeout
  done
  started=$(now_ms)
  compose_logged stop --profile broken stop || fail "docker-compose stop"
  local elapsed_ms=$(( $(now_ms) - started ))
  for id in "$GATEWAY_ID" "$BROKEN_ID" "$PROMETHEUS_ID" "${CLUSTER_IDS[@]}"; do
    name=$(podman inspect --format '{{.Name}}' "$id")
    code=$(podman inspect --format '{{.State.ExitCode}}' "$id")
    # 143: the JVM ended by SIGTERM; 137 would be the SIGKILL at the end of the grace period.
    if [[ $code != 0 && $code != 143 ]]; then
      show_logs "$id"
      fail "$name exited with status $code on stop"
    fi
    log "$name: exit status $code"
  done
  (( elapsed_ms < grace_s * 1000 )) || fail "stop took $((elapsed_ms / 1000)) s, the whole ${grace_s}s grace period"
  pass "stop: every service ended on SIGTERM (status 0 or 143) in $(seconds_since "$started") s, within the ${grace_s}s grace period"

  compose_logged down --profile broken down -v || fail "docker-compose down -v"
  local left
  left=$(project_leftovers)
  [[ -z $left ]] || fail "left after down: $(echo "$left" | tr '\n' ' ')"
  pass "down -v: no container, network or volume of the project left"
}

# ---------------------------------------------------------------------------------------------

main() {
  step "prerequisites" prerequisites
  step "podman API service" api_service
  step "base images (debootstrap, cached)" base_images
  step "image build" build_image
  step "up -d" compose_up
  step "gateway healthy" gateway_healthy
  step "inference and mem_limit" gateway_serves
  step "prometheus scrapes gateway:8081" prometheus_scrapes
  step "profile broken: unhealthy" broken_profile
  step "scale worker=3" scale_workers
  step "stop and down" stop_and_down
}

main "$@"
