#!/usr/bin/env bash
# Writes a class-data archive of one real start of the gateway: a JVM started with
# -XX:SharedArchiveFile=<archive> maps those classes instead of loading and verifying them again,
# which halves the time to the first answer. The archive fits only the JVM that wrote it and this
# jar; with another, the JVM says so in one line and starts without it.
#
#   class-data-archive.sh JAR ARCHIVE [JAVA OPTION...]
#
# Starts JAR with its configuration (GATEWAY_CONFIG, default conf/gateway.json: the demo models;
# no other GATEWAY_* variable) on free loopback ports, waits until every model is ready, sends
# one inference to the demo's iris-classifier when it has one, and stops it with SIGTERM; the JVM
# writes the archive as it exits. Fails, leaving no archive, when the gateway is not ready within
# 2 minutes. Run by `mvn package` (target/gateway.jsa; -Dclass-data.skip=true skips it) and by
# the Dockerfile.
set -euo pipefail
jar=$1
archive=$2
shift 2
output=$(mktemp)
pid=
cleanup() {
  [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  rm -f "$output"
}
trap cleanup EXIT
fail() {
  echo "class-data-archive: $1; the gateway wrote:" >&2
  cat "$output" >&2
  exit 1
}

rm -f "$archive"
# Settings of a gateway this shell may run elsewhere (a cluster role, a port) stay out of it.
for variable in $(compgen -e); do
  case $variable in
    GATEWAY_CONFIG) ;;
    GATEWAY_*) unset "$variable" ;;
  esac
done
GATEWAY_HTTP_HOST=127.0.0.1 GATEWAY_HTTP_PORT=0 \
  GATEWAY_MANAGEMENT_HOST=127.0.0.1 GATEWAY_MANAGEMENT_PORT=0 \
  java -XX:ArchiveClassesAtExit="$archive" "$@" -jar "$jar" >"$output" 2>&1 &
pid=$!

deadline=$((SECONDS + 120))
port=
until [ -n "$port" ] && curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$port/v2/health/ready"
do
  kill -0 "$pid" 2>/dev/null || fail "the gateway exited"
  [ "$SECONDS" -lt "$deadline" ] || fail "the gateway was not ready within 2 minutes"
  port=$(sed -n 's/.* listening on [^ ]*:\([0-9][0-9]*\) .*/\1/p' "$output" | head -n 1)
  sleep 0.1
done
# The inference path's classes too; a configuration without the demo model skips it.
curl -sf -o /dev/null --max-time 5 -H 'Content-Type: application/json' \
  --data '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}]}' \
  "http://127.0.0.1:$port/v2/models/iris-classifier/infer" || true

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
# 143: stopped by SIGTERM, as intended.
[ "$status" = 0 ] || [ "$status" = 143 ] || fail "the gateway exited with status $status"
[ -s "$archive" ] || fail "no archive was written"
