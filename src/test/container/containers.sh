# Shared by the tests that build the gateway's image and run it under a container engine
# (src/test/container/container-test.sh, src/test/compose/compose-test.sh). Sourced, not run.
#
# Provides:
#   log, step, pass, fail       progress on stderr; named, timed steps; the pass and fail counts
#   an EXIT trap                stops the background jobs, runs the script's release_resources,
#                               unmounts and removes $TMP, prints the timings and the counts
#                               (INT and TERM exit with 130 and 143 through it)
#   apt_install, install_missing, install_lean
#                               apt-get installs for the commands a test needs
#   use_podman, engine, image_exists
#                               the engine: rootful podman on runc and cgroupfs, or docker
#   start_base, start_java_bases, wait_bases
#                               Debian base images made with debootstrap, kept between runs
#   build_gateway_image         ./Dockerfile built as $IMAGE
#   free_ports, http, show_logs, health_status, probe, expect_inference, IRIS_REQUEST
#                               for the running gateways
#
# A sourcing script runs under `set -euo pipefail` and sets first:
#   TEST_NAME      its name: the prefix of its log lines, its temporary directory, its summary
#   ROOT           the project's root (where the Dockerfile is)
#   SUITE          the Debian suite of the base images
#   IMAGE          the name the gateway image is built under
#   TIMINGS_WIDTH  optional: the width of the step names in the timings (38)
# and defines release_resources, which the EXIT trap runs once the script has set ENGINE_READY:
# it removes what the test made under the engine (containers, images, networks).
# Sourcing makes $TMP and sets the traps.
#
# Variables set here for the sourcing script, or there for this file, look unused or unset when
# this file is checked alone:
# shellcheck shell=bash disable=SC2034,SC2153

TIMINGS_WIDTH=${TIMINGS_WIDTH:-38}
TMP=$(mktemp -d "/tmp/$TEST_NAME.XXXXXX")
BACKGROUND=()
TIMINGS=()
PASSED=0
FAILED=0
T_START=$(date +%s%3N)

log() { printf '[%s] %s\n' "$TEST_NAME" "$*" >&2; }
now_ms() { date +%s%3N; }
seconds_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

# Runs "$@" as a named, timed step of the summary.
step() {
  local name=$1 started
  shift
  started=$(now_ms)
  log "== $name"
  "$@"
  TIMINGS+=("$(printf '%-*s %6ss' "$TIMINGS_WIDTH" "$name" "$(seconds_since "$started")")")
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

# kill_tree PID: PID and every process under it (a base image is made in a subshell).
kill_tree() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}

cleanup() {
  local rc=$? pid rootfs
  trap - EXIT INT TERM
  for pid in "${BACKGROUND[@]}"; do
    kill_tree "$pid"
  done
  for pid in "${BACKGROUND[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n ${ENGINE_READY:-} ]]; then
    release_resources
  fi
  for rootfs in "$TMP"/rootfs.*; do
    [[ -d $rootfs ]] && unmount_rootfs "$rootfs"
  done
  rm -rf --one-file-system "$TMP"

  echo
  echo "${TEST_NAME/-/ } timings"
  local line
  for line in "${TIMINGS[@]}"; do echo "  $line"; done
  printf '  %-*s %6ss\n' "$TIMINGS_WIDTH" "total" "$(seconds_since "$T_START")"
  if [[ $rc -ne 0 && $FAILED -eq 0 ]]; then FAILED=1; fi
  echo "$TEST_NAME: $PASSED passed, $FAILED failed"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Packages and the engine

apt_install() {
  if [[ -z ${APT_UPDATED:-} ]]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# install_missing COMMAND...: installs the packages, named as the commands, of those missing.
install_missing() {
  local missing=() command
  for command in "$@"; do
    command -v "$command" >/dev/null || missing+=("$command")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# install_lean COMMAND [PACKAGE]: installs PACKAGE (by default named as COMMAND) without the
# packages it recommends, if COMMAND is missing.
install_lean() {
  local command=$1 package=${2:-$1}
  command -v "$command" >/dev/null && return
  if [[ $package == "$command" ]]; then
    log "installing $package"
  else
    log "installing $package (for $command)"
  fi
  apt_install --no-install-recommends "$package"
}

ENGINE=()
IS_PODMAN=0
engine() { "${ENGINE[@]}" "$@"; }

# Rootful podman as these machines need it, for the CLI and for podman's API service alike (the
# service takes no --runtime or --cgroup-manager flags): crun fails on this cgroup layout, and
# runc fails on setrlimit unless the default ulimits are empty. A containers.conf of the test's
# own, so the system's configuration stays as it is. The CLI's flags say the same, in the log.
use_podman() {
  cat > "$TMP/containers.conf" <<'EOF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
EOF
  export CONTAINERS_CONF=$TMP/containers.conf
  ENGINE=(podman --runtime runc --cgroup-manager cgroupfs)
  IS_PODMAN=1
}

image_exists() {
  if ((IS_PODMAN)); then engine image exists "$1"; else engine image inspect "$1" >/dev/null 2>&1; fi
}

# ---------------------------------------------------------------------------------------------
# Base images from Debian packages

# The gateway's bases, a JRE and a JDK with Maven, under names every test shares.
RUNTIME_BASE=localhost/gateway-runtime-base:17
BUILD_BASE=localhost/gateway-build-base:17
# The Dockerfile's build arguments that build on them.
BASE_BUILD_ARGS=(--build-arg "BUILD_IMAGE=$BUILD_BASE" --build-arg "RUNTIME_IMAGE=$RUNTIME_BASE")
# The images start_base began to make.
BASES_MADE=()

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

# make_base IMAGE PACKAGES PREPARE [--change ...]: debootstrap a minimal Debian with PACKAGES,
# run PREPARE (a function, or "") on it, and import it with the given changes.
make_base() {
  local image=$1 packages=$2 prepare=$3 mirror rootfs logfile quiet=()
  shift 3
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
  [[ -z $prepare ]] || "$prepare" "$rootfs"
  if ((IS_PODMAN)); then quiet=(--quiet); fi
  tar -C "$rootfs" --numeric-owner -c . \
    | engine import "${quiet[@]}" \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        "$@" \
        - "$image" >/dev/null
  rm -rf --one-file-system "$rootfs"
}

# start_base IMAGE PACKAGES PREPARE [--change ...]: unless IMAGE exists, starts make_base in the
# background and adds IMAGE to BASES_MADE. All at once: debootstrap waits on downloads and dpkg
# more than on the CPU.
start_base() {
  image_exists "$1" && return
  log "debootstrap $1 ($2)"
  make_base "$@" &
  BACKGROUND+=($!)
  BASES_MADE+=("$1")
}

start_java_bases() {
  start_base "$RUNTIME_BASE" openjdk-17-jre-headless,curl,ca-certificates "" \
    --change 'CMD ["/bin/bash"]'
  start_base "$BUILD_BASE" openjdk-17-jdk-headless,maven,ca-certificates "" \
    --change 'CMD ["/bin/bash"]'
}

# Waits for the images start_base began; fails if one of them could not be made.
wait_bases() {
  local pid status=0
  for pid in "${BACKGROUND[@]}"; do
    wait "$pid" || status=1
  done
  BACKGROUND=()
  ((status == 0)) || fail "could not make the base images"
}

# ---------------------------------------------------------------------------------------------
# The image

# build_gateway_image [BUILD OPTIONS...]: builds ./Dockerfile as $IMAGE, its output in
# $TMP/build.log. With podman in docker format, which keeps HEALTHCHECK, and with the host's
# Java trust store (HTTPS may pass a proxy only the host trusts) and Maven repository mounted
# while RUN steps run; the image has neither, and the Dockerfile needs neither.
build_gateway_image() {
  local args=("$@")
  if ((IS_PODMAN)); then
    args+=(--format docker)
    if [[ -f /etc/ssl/certs/java/cacerts ]]; then
      args+=(-v /etc/ssl/certs/java/cacerts:/etc/ssl/certs/java/cacerts:ro)
    fi
    mkdir -p "$HOME/.m2/repository"
    args+=(-v "$HOME/.m2/repository:/root/.m2/repository")
  fi
  if ! engine build "${args[@]}" -t "$IMAGE" -f "$ROOT/Dockerfile" "$ROOT" > "$TMP/build.log" 2>&1; then
    tail -40 "$TMP/build.log" >&2
    fail "image build"
  fi
}

# ---------------------------------------------------------------------------------------------
# Helpers for the running gateways

# free_ports COUNT: COUNT distinct ports that can be bound on 127.0.0.1, below the ephemeral
# range (a port in that range may be taken at any moment as the local end of some connection,
# which makes publishing fail), chosen by one process so that none is handed out twice.
free_ports() {
  python3 - "$1" <<'EOF' || fail "no free ports found"
import random, socket, sys
count = int(sys.argv[1])
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
held = []
for port in random.sample(range(20000, max(low, 20200)), 100):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close()
        continue
    held.append(s)
    if len(held) == count:
        break
else:
    raise SystemExit(1)
print(*[s.getsockname()[1] for s in held])
EOF
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

health_status() { engine inspect --format '{{.State.Health.Status}}' "$1"; }

# One run of the container's HEALTHCHECK; its exit status (0 healthy, 1 unhealthy). Podman has
# no systemd here to run the checks on a timer, so they run when probed. Docker runs them on its
# own timer, so there the status is awaited instead (it stays 'starting' until the first check
# passes, or until the start period is over and the retries have failed).
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
