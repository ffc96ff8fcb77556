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
#
# Environment:
#   CONTAINER_TEST_BASES=public   build on the Dockerfile's default bases instead (needs a registry)
#   CONTAINER_TEST_KEEP_IMAGE=1   keep the built image, tagged localhost/inference-gateway:container-test,
#                                 and its build layers
#   CONTAINER_TEST_SUITE          Debian suite of the base images (default bookworm: Java 17)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
SUITE=${CONTAINER_TEST_SUITE:-bookworm}
RUNTIME_BASE=localhost/gateway-runtime-base:17
BUILD_BASE=localhost/gateway-build-base:17
RUN_ID=$$
IMAGE=localhost/inference-gateway:container-test-$RUN_ID
OK_NAME=gateway-test-ok-$RUN_ID
BROKEN_NAME=gateway-test-broken-$RUN_ID
# The Dockerfile's HEALTHCHECK start period; the unhealthy test has to probe past it.
START_PERIOD_S=20

TMP=$(mktemp -d /tmp/container-test.XXXXXX)
CONTAINERS=()
BACKGROUND=()
TIMINGS=()
PASSED=0
FAILED=0
T_START=$(date +%s%3N)

log() { printf '[container-test] %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
seconds_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

# Runs "$@" as a named, timed step of the summary.
step() {
  local name=$1 started
  shift
  started=$(now_ms)
  log "== $name"
  "$@"
  TIMINGS+=("$(printf '%-38s %6ss' "$name" "$(seconds_since "$started")")")
}

pass() { PASSED=$((PASSED + 1)); log "ok: $*"; }
fail() {
  FAILED=$((FAILED + 1))
  log "FAILED: $*"
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Cleanup and summary

unmount_rootfs() {
  local rootfs=$1 mnt
  for mnt in dev/pts dev/shm dev proc sys; do
    if mountpoint -q "$rootfs/$mnt" 2>/dev/null; then umount -l "$rootfs/$mnt" || true; fi
  done
}

cleanup() {
  local rc=$? pid container rootfs
  trap - EXIT INT TERM
  for pid in "${BACKGROUND[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BACKGROUND[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  for container in "${CONTAINERS[@]}"; do
    engine rm -f -t 0 "$container" >/dev/null 2>&1 || true
  done
  if [[ -n ${ENGINE_READY:-} ]]; then
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
  fi
  for rootfs in "$TMP"/rootfs.*; do
    [[ -d $rootfs ]] && unmount_rootfs "$rootfs"
  done
  rm -rf --one-file-system "$TMP"

  echo
  echo "container test timings"
  local line
  for line in "${TIMINGS[@]}"; do echo "  $line"; done
  printf '  %-38s %6ss\n' "total" "$(seconds_since "$T_START")"
  if [[ $rc -ne 0 && $FAILED -eq 0 ]]; then FAILED=1; fi
  echo "container-test: $PASSED passed, $FAILED failed"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Engine

ENGINE=()
IS_PODMAN=0
engine() { "${ENGINE[@]}" "$@"; }

apt_install() {
  if [[ -z ${APT_UPDATED:-} ]]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

prerequisites() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v python3 >/dev/null || missing+=(python3)
  if command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; then
    ENGINE=(docker)
  else
    command -v podman >/dev/null || missing+=(podman)
    command -v runc >/dev/null || missing+=(runc)
    ENGINE=(podman --runtime runc --cgroup-manager cgroupfs)
    IS_PODMAN=1
  fi
  if [[ ${CONTAINER_TEST_BASES:-local} == local ]]; then
    command -v debootstrap >/dev/null || missing+=(debootstrap)
  fi
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
  fi
  # docker-compose only validates the file here: its recommended docker.io engine is not needed.
  if ! command -v docker-compose >/dev/null; then
    log "installing docker-compose"
    apt_install --no-install-recommends docker-compose
  fi
  if ! command -v promtool >/dev/null; then
    log "installing prometheus (for promtool)"
    apt_install --no-install-recommends prometheus
  fi
  if ((IS_PODMAN)); then
    # Without this, runc fails on setrlimit in these sandboxes.
    if [[ ! -e /etc/containers/containers.conf ]]; then
      mkdir -p /etc/containers
      printf '[containers]\ndefault_ulimits = []\n' > /etc/containers/containers.conf
    elif ! grep -q '^default_ulimits' /etc/containers/containers.conf; then
      cp /etc/containers/containers.conf "$TMP/containers.conf"
      printf '\n[containers]\ndefault_ulimits = []\n' >> "$TMP/containers.conf"
      export CONTAINERS_CONF=$TMP/containers.conf
    fi
  fi
  ENGINE_READY=1
  log "engine: ${ENGINE[*]} ($(engine --version))"
}

image_exists() {
  if ((IS_PODMAN)); then engine image exists "$1"; else engine image inspect "$1" >/dev/null 2>&1; fi
}

# ---------------------------------------------------------------------------------------------
# 1. Base images from Debian packages

debian_mirror() {
  local mirror=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z $mirror && -r /etc/apt/sources.list ]]; then
    mirror=$(awk '$1 == "deb" && $0 !~ /security/ {
                for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { print $i; exit } }' \
             /etc/apt/sources.list)
  fi
  [[ -n $mirror ]] || fail "no Debian mirror found in the apt sources"
  printf '%s' "$mirror"
}

# make_base IMAGE PACKAGES: debootstrap a minimal Debian with PACKAGES and import it.
make_base() {
  local image=$1 packages=$2 mirror rootfs logfile
  mirror=$(debian_mirror)
  rootfs=$(mktemp -d "$TMP/rootfs.XXXXXX")
  logfile=$TMP/debootstrap-${image##*/}.log
  # The log is edited so that the mirror's address does not end up in it.
  if ! debootstrap --variant=minbase --include="$packages" "$SUITE" "$rootfs" "$mirror" 2>&1 \
      | sed "s#${mirror}#<mirror>#g" > "$logfile"; then
    tail -20 "$logfile" >&2
    unmount_rootfs "$rootfs"
    return 1
  fi
  # Keep the mirror's address and the package downloads out of the image.
  : > "$rootfs/etc/apt/sources.list"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
         "$rootfs"/var/lib/apt/lists/* "$rootfs"/debootstrap
  tar -C "$rootfs" --numeric-owner -c . \
    | engine import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["/bin/bash"]' \
        - "$image" >/dev/null
  rm -rf --one-file-system "$rootfs"
}

base_images() {
  local missing=() pid status=0
  image_exists "$RUNTIME_BASE" \
    || missing+=("$RUNTIME_BASE:openjdk-17-jre-headless,curl,ca-certificates")
  image_exists "$BUILD_BASE" \
    || missing+=("$BUILD_BASE:openjdk-17-jdk-headless,maven,ca-certificates")
  if ((${#missing[@]} == 0)); then
    log "cached: $RUNTIME_BASE, $BUILD_BASE"
    return
  fi
  # Both at once: debootstrap waits on downloads and dpkg more than on the CPU.
  local entry
  for entry in "${missing[@]}"; do
    log "debootstrap ${entry%:*} (${entry##*:})"
    make_base "${entry%:*}" "${entry##*:}" &
    BACKGROUND+=($!)
  done
  for pid in "${BACKGROUND[@]}"; do
    wait "$pid" || status=1
  done
  BACKGROUND=()
  ((status == 0)) || fail "could not make the base images"
  pass "base images $RUNTIME_BASE and $BUILD_BASE made"
}

# ---------------------------------------------------------------------------------------------
# 2. The image

build_image() {
  local args=()
  if [[ ${CONTAINER_TEST_BASES:-local} == local ]]; then
    args+=(--build-arg "BUILD_IMAGE=$BUILD_BASE" --build-arg "RUNTIME_IMAGE=$RUNTIME_BASE")
  fi
  if ((IS_PODMAN)); then
    # docker format keeps HEALTHCHECK. The two volumes exist only while RUN steps run.
    args+=(--format docker)
    if [[ -f /etc/ssl/certs/java/cacerts ]]; then
      args+=(-v /etc/ssl/certs/java/cacerts:/etc/ssl/certs/java/cacerts:ro)
    fi
    mkdir -p "$HOME/.m2/repository"
    args+=(-v "$HOME/.m2/repository:/root/.m2/repository")
  fi
  engine images -a -q --no-trunc | sort > "$TMP/images-before"
  if ! engine build "${args[@]}" -t "$IMAGE" -f "$ROOT/Dockerfile" "$ROOT" > "$TMP/build.log" 2>&1; then
    tail -40 "$TMP/build.log" >&2
    fail "image build"
  fi
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

# A port that can be bound on 127.0.0.1, below the ephemeral range: a port in that range may be
# taken at any moment as the local end of some connection, which then makes publishing fail.
free_port() {
  python3 - <<'EOF' || fail "no free port found"
import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for port in random.sample(range(20000, max(low, 20100)), 50):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
else:
    raise SystemExit(1)
EOF
}

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

show_logs() {
  log "--- logs of $1"
  engine logs "$1" 2>&1 | tail -40 >&2 || true
}

# http METHOD URL [BODY]: prints the status code, leaves the body in $TMP/body.
http() {
  local method=$1 url=$2 body=${3:-}
  local args=(--silent --max-time 10 --output "$TMP/body" --write-out '%{http_code}' -X "$method")
  [[ -n $body ]] && args+=(-H 'content-type: application/json' --data "$body")
  # On a refused connection curl still writes 000 as the code.
  curl "${args[@]}" "$url" || true
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

health_status() { engine inspect --format '{{.State.Health.Status}}' "$1"; }

# One run of the image's HEALTHCHECK; its exit status. Docker runs the checks on its own timer,
# so there the status is awaited instead (it stays 'starting' until the first check passes,
# or until the start period is over and the retries have failed).
probe() {
  if ((IS_PODMAN)); then
    engine healthcheck run "$1" >/dev/null 2>&1
  else
    local status="" waited
    for ((waited = 0; waited < 30; waited++)); do
      status=$(health_status "$1")
      [[ $status == starting ]] || break
      sleep 1
    done
    [[ $status == healthy ]]
  fi
}

IRIS_REQUEST='{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1.4,0.2,5.1,3.5]}]}'
MLP_REQUEST='{"inputs":[{"name":"input","datatype":"FP32","shape":[1,16],"data":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0,1.1,1.2,1.3,1.4,1.5,1.6]}]}'

# expect_inference PORT MODEL REQUEST
expect_inference() {
  local port=$1 model=$2 request=$3 code
  code=$(http POST "http://127.0.0.1:$port/v2/models/$model/infer" "$request")
  [[ $code == 200 ]] || fail "$model inference answered $code: $(head -c 300 "$TMP/body")"
  python3 - "$TMP/body" "$model" <<'EOF' || fail "$model inference body: $(head -c 300 "$TMP/body")"
import json, sys
body = json.load(open(sys.argv[1]))
assert body["model_name"] == sys.argv[2], body
assert body["outputs"] and body["outputs"][0]["data"], body
EOF
}

# ---------------------------------------------------------------------------------------------
# 3-5. The containers

OK_PORT=""
OK_MANAGEMENT=""
BROKEN_PORT=""
BROKEN_MANAGEMENT=""
BROKEN_STARTED=""

start_containers() {
  # Four distinct free ports, from one process so that none is handed out twice.
  read -r OK_PORT OK_MANAGEMENT BROKEN_PORT BROKEN_MANAGEMENT < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
  # Both start now, so the broken one's start period runs out while the healthy one is tested.
  # Read-only root: the gateway may write only to java.io.tmpdir (/tmp), as the Dockerfile says.
  start "$OK_NAME" "$OK_PORT" "$OK_MANAGEMENT" --read-only --tmpfs /tmp:rw,exec,mode=1777
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
