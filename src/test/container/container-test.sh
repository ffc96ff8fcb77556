#!/usr/bin/env bash
# Container test: builds the project's Dockerfile and checks what the image promises.
#
#   bash src/test/container/container-test.sh
#
# 1. base images: a JRE image (openjdk-17-jre-headless, curl, ca-certificates) and a build
#    image (openjdk-17-jdk-headless, maven) made from Debian packages with debootstrap, since
#    no image registry may be reachable; kept between runs and reused
# 2. the image, built from ./Dockerfile on those bases
# 3. the default config, on a read-only root file system: /health 200, the image's HEALTHCHECK
#    healthy, inference 200, /metrics 200, not root
# 4. conf/broken (a corrupt model): /health 503 naming it, the good models still infer, and the
#    HEALTHCHECK turns unhealthy once its start period is over
# 5. SIGTERM (stop -t 10): exits within the grace period, status 0 or 143, logs "Shutting down"
# 6. docker-compose.yml validated by docker-compose, conf/prometheus.yml by promtool
#
# Uses docker when `docker info` answers, otherwise podman (rootful) with runc and cgroupfs;
# installs podman, runc, debootstrap, docker-compose and prometheus (for promtool) with apt-get
# when missing. With podman the build borrows the host's Java trust store (HTTPS may pass a
# proxy only the host trusts) and the host's Maven repository; the Dockerfile needs neither.
# The helpers it shares with src/test/compose/compose-test.sh are in containers.sh, beside it.
#
# Environment:
#   CONTAINER_TEST_BASES=public   build on the Dockerfile's default bases instead (needs a registry)
#   CONTAINER_TEST_KEEP_IMAGE=1   keep the built image, tagged localhost/inference-gateway:container-test,
#                                 and its build layers
#   CONTAINER_TEST_SUITE          Debian suite of the base images (default bookworm: Java 17)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
TEST_NAME="container-test"
SUITE=${CONTAINER_TEST_SUITE:-bookworm}
RUN_ID=$$
IMAGE=localhost/inference-gateway:container-test-$RUN_ID
OK_NAME=gateway-test-ok-$RUN_ID
BROKEN_NAME=gateway-test-broken-$RUN_ID
# The Dockerfile's HEALTHCHECK start period; the unhealthy test has to probe past it.
START_PERIOD_S=20
CONTAINERS=()

# shellcheck source=src/test/container/containers.sh
source "$ROOT/src/test/container/containers.sh"

# What the exit trap removes: the containers, the image, and the layers of its build.
release_resources() {
  local container
  for container in "${CONTAINERS[@]}"; do
    engine rm -f -t 0 "$container" >/dev/null 2>&1 || true
  done
  if [[ ${CONTAINER_TEST_KEEP_IMAGE:-0} == 1 ]]; then
    engine tag "$IMAGE" localhost/inference-gateway:container-test >/dev/null 2>&1 || true
  fi
  engine rmi "$IMAGE" >/dev/null 2>&1 || true
  # The build stage and its layers: every image the build added.
  if [[ -f $TMP/images-before && ${CONTAINER_TEST_KEEP_IMAGE:-0} != 1 ]]; then
    local added
    added=$(engine images -a -q --no-trunc | sort | comm -13 "$TMP/images-before" -)
    if [[ -n $added ]]; then
      # shellcheck disable=SC2086
      engine rmi -f $added >/dev/null 2>&1 || true
    fi
  fi
}

# ---------------------------------------------------------------------------------------------
# Prerequisites and the engine

prerequisites() {
  local commands=(curl python3)
  if command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; then
    ENGINE=(docker)
    IS_PODMAN=0
  else
    commands+=(podman runc)
    use_podman
  fi
  if [[ ${CONTAINER_TEST_BASES:-local} == local ]]; then
    commands+=(debootstrap)
  fi
  install_missing "${commands[@]}"
  # docker-compose only validates the file here: its recommended docker.io engine is not needed.
  install_lean docker-compose
  install_lean promtool prometheus
  ENGINE_READY=1
  log "engine: ${ENGINE[*]} ($(engine --version))"
}

# ---------------------------------------------------------------------------------------------
# 1. Base images from Debian packages

base_images() {
  start_java_bases
  if ((${#BASES_MADE[@]} == 0)); then
    log "cached: $RUNTIME_BASE, $BUILD_BASE"
    return
  fi
  wait_bases
  pass "base images $RUNTIME_BASE and $BUILD_BASE made"
}

# ---------------------------------------------------------------------------------------------
# 2. The image

build_image() {
  local args=()
  if [[ ${CONTAINER_TEST_BASES:-local} == local ]]; then
    args=("${BASE_BUILD_ARGS[@]}")
  fi
  engine images -a -q --no-trunc | sort > "$TMP/images-before"
  build_gateway_image "${args[@]}"
  # podman keeps the HEALTHCHECK at .HealthCheck, docker at .Config.Healthcheck.
  engine image inspect "$IMAGE" > "$TMP/image.json"
  python3 - "$TMP/image.json" <<'EOF' || fail "the image has no HEALTHCHECK probing /health"
import json, sys
def checks(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key.lower() == "healthcheck" and value:
                yield value
            yield from checks(value)
    elif isinstance(node, list):
        for item in node:
            yield from checks(item)
assert any("/health" in " ".join(c.get("Test", [])) for c in checks(json.load(open(sys.argv[1]))))
EOF
  pass "image built from Dockerfile, HEALTHCHECK kept"
}

# ---------------------------------------------------------------------------------------------
# Helpers for running containers

# start NAME PORT MANAGEMENT_PORT [run options...]: the data port and the management port.
start() {
  local name=$1 port=$2 management=$3
  shift 3
  CONTAINERS+=("$name")
  # podman logs that it cannot reach systemd to time the health checks; this test runs them.
  engine run -d --name "$name" -p "127.0.0.1:$port:8080" -p "127.0.0.1:$management:8081" "$@" \
    "$IMAGE" > "$TMP/run-$name.log" 2>&1 \
    || { cat "$TMP/run-$name.log" >&2; fail "could not start $name"; }
}

# wait_health NAME MANAGEMENT_PORT WANTED TIMEOUT_S: polls /health until it answers WANTED.
wait_health() {
  local name=$1 port=$2 wanted=$3 timeout=$4 started code=""
  started=$(now_ms)
  while (( $(now_ms) - started < timeout * 1000 )); do
    if [[ $(engine inspect --format '{{.State.Running}}' "$name") != true ]]; then
      show_logs "$name"
      fail "$name stopped while starting"
    fi
    code=$(http GET "http://127.0.0.1:$port/health")
    if [[ $code == "$wanted" ]]; then
      log "$name: /health $code after $(seconds_since "$started") s"
      return
    fi
    sleep 0.5
  done
  show_logs "$name"
  fail "$name: /health did not answer $wanted within $timeout s (last: $code)"
}

MLP_REQUEST='{"inputs":[{"name":"input","datatype":"FP32","shape":[1,16],"data":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0,1.1,1.2,1.3,1.4,1.5,1.6]}]}'

# ---------------------------------------------------------------------------------------------
# 3-5. The containers

OK_PORT=""
OK_MANAGEMENT=""
BROKEN_PORT=""
BROKEN_MANAGEMENT=""
BROKEN_STARTED=""

start_containers() {
  read -r OK_PORT OK_MANAGEMENT BROKEN_PORT BROKEN_MANAGEMENT < <(free_ports 4) || true
  [[ -n $BROKEN_MANAGEMENT ]] || fail "no four free ports on 127.0.0.1"
  # Both start now, so the broken one's start period runs out while the healthy one is tested.
  # Read-only root: the gateway may write only to java.io.tmpdir (/tmp), as the Dockerfile says,
  # and loads nothing from there (noexec): its native libraries are in /app/native.
  start "$OK_NAME" "$OK_PORT" "$OK_MANAGEMENT" --read-only --tmpfs /tmp:rw,noexec,mode=1777
  BROKEN_STARTED=$(now_ms)
  start "$BROKEN_NAME" "$BROKEN_PORT" "$BROKEN_MANAGEMENT" \
    -v "$ROOT/conf:/app/conf:ro" -e GATEWAY_CONFIG=/app/conf/broken/gateway.json
  log "$OK_NAME on 127.0.0.1:$OK_PORT (management $OK_MANAGEMENT)," \
    "$BROKEN_NAME on 127.0.0.1:$BROKEN_PORT (management $BROKEN_MANAGEMENT)"
}

healthy_container() {
  wait_health "$OK_NAME" "$OK_MANAGEMENT" 200 90
  pass "default config, read-only root: /health 200 on the management port"

  probe "$OK_NAME" || { show_logs "$OK_NAME"; fail "HEALTHCHECK failed on a healthy gateway"; }
  local status
  status=$(health_status "$OK_NAME")
  [[ $status == healthy ]] || fail "health status is '$status', expected healthy"
  pass "HEALTHCHECK exits 0, status healthy"

  expect_inference "$OK_PORT" iris-classifier "$IRIS_REQUEST"
  pass "inference through the published port: 200"

  local code
  code=$(http GET "http://127.0.0.1:$OK_MANAGEMENT/metrics")
  if [[ $code != 200 ]] || ! grep -q '^# TYPE ' "$TMP/body"; then
    fail "/metrics answered $code: $(head -c 300 "$TMP/body")"
  fi
  pass "/metrics on the management port, which conf/prometheus.yml scrapes: 200, Prometheus text"

  local uid
  uid=$(engine exec "$OK_NAME" id -u)
  [[ $uid != 0 ]] || fail "the gateway runs as root"
  pass "runs as uid $uid, not root"
}

# The /health body in $TMP/body: corrupt DOWN with state FAILED and an error, the others UP.
broken_health_body() {
  python3 - "$TMP/body" <<'EOF'
import json, sys
checks = {c["id"]: c for c in json.load(open(sys.argv[1]))["checks"]}
corrupt = checks["corrupt"]
assert corrupt["status"] == "DOWN", corrupt
assert corrupt["data"]["state"] == "FAILED", corrupt
assert corrupt["data"].get("error"), corrupt
for good in ("iris-classifier", "mlp"):
    assert checks[good]["status"] == "UP", checks[good]
EOF
}

broken_container() {
  wait_health "$BROKEN_NAME" "$BROKEN_MANAGEMENT" 503 90
  # A 503 may also come while the good models are still loading: wait for the final answer.
  local tries=0
  until broken_health_body 2>/dev/null; do
    tries=$((tries + 1))
    ((tries < 30)) || fail "/health does not report corrupt FAILED and the rest UP: $(head -c 600 "$TMP/body")"
    sleep 1
    http GET "http://127.0.0.1:$BROKEN_MANAGEMENT/health" >/dev/null
  done
  pass "corrupt model: /health 503 with corrupt DOWN (FAILED), the others UP"

  expect_inference "$BROKEN_PORT" iris-classifier "$IRIS_REQUEST"
  expect_inference "$BROKEN_PORT" mlp "$MLP_REQUEST"
  pass "corrupt model: iris-classifier and mlp still answer 200"

  # Failures inside the start period leave the status 'starting'; after it, 3 failed probes
  # (the HEALTHCHECK's retries) make it 'unhealthy'.
  local deadline=$((START_PERIOD_S + 40)) rc status="" probes=0
  while true; do
    rc=0
    probe "$BROKEN_NAME" || rc=$?
    probes=$((probes + 1))
    status=$(health_status "$BROKEN_NAME")
    if [[ $status == unhealthy ]]; then
      [[ $rc == 1 ]] || fail "unhealthy, but the last HEALTHCHECK run exited $rc, not 1"
      break
    fi
    [[ $status != healthy ]] || fail "a gateway with a corrupt model was reported healthy"
    if (( $(now_ms) - BROKEN_STARTED > deadline * 1000 )); then
      fail "still '$status' after ${deadline}s and $probes probes"
    fi
    sleep 1
  done
  pass "corrupt model: HEALTHCHECK exits 1, status unhealthy $(seconds_since "$BROKEN_STARTED") s after start ($probes probes)"
}

graceful_stop() {
  local started elapsed_ms code
  started=$(now_ms)
  # (podman also complains here that systemd is not there to remove its health-check timer.)
  engine stop -t 10 "$OK_NAME" > "$TMP/stop.log" 2>&1 || { cat "$TMP/stop.log" >&2; fail "stop failed"; }
  elapsed_ms=$(( $(now_ms) - started ))
  code=$(engine inspect --format '{{.State.ExitCode}}' "$OK_NAME")
  if [[ $code != 0 && $code != 143 ]]; then
    show_logs "$OK_NAME"
    fail "exit status $code after SIGTERM (137: killed after the grace period)"
  fi
  (( elapsed_ms < 10000 )) || fail "stop took $((elapsed_ms / 1000)) s, the whole grace period"
  # Into a file first: grep -q would stop reading early, and pipefail count the broken pipe.
  engine logs "$OK_NAME" > "$TMP/stopped.log" 2>&1
  grep -q "Shutting down" "$TMP/stopped.log" \
    || { show_logs "$OK_NAME"; fail "no 'Shutting down' in the logs"; }
  pass "SIGTERM: exit status $code in $(seconds_since "$started") s, logged 'Shutting down'"
}

# ---------------------------------------------------------------------------------------------
# 6. Compose file and Prometheus config

compose_files() {
  docker-compose -f "$ROOT/docker-compose.yml" --profile loadtest --profile broken config -q \
    || fail "docker-compose rejects docker-compose.yml"
  # The services of the default profile alone must form a valid file too.
  docker-compose -f "$ROOT/docker-compose.yml" config -q \
    || fail "docker-compose rejects docker-compose.yml without profiles"
  pass "docker-compose.yml valid (all profiles)"

  promtool check config "$ROOT/conf/prometheus.yml" >/dev/null || fail "promtool rejects conf/prometheus.yml"
  pass "conf/prometheus.yml valid"
}

# ---------------------------------------------------------------------------------------------

main() {
  step "prerequisites" prerequisites
  step "compose and prometheus files" compose_files
  if [[ ${CONTAINER_TEST_BASES:-local} == local ]]; then
    step "base images (debootstrap, cached)" base_images
  fi
  step "image build" build_image
  step "start containers" start_containers
  step "default config: healthy" healthy_container
  step "SIGTERM: graceful stop" graceful_stop
  step "corrupt model: unhealthy" broken_container
}

main "$@"
