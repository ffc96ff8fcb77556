# Shared start of the benchmark scripts, sourced after they set REPO, OUT_DIR, SKIP_BUILD,
# GATEWAY_JAR and PYTHON (when they use it) and define log and die: checks the tools, makes
# OUT_DIR and moves to the repository, notes the commit in COMMIT, and builds the gateway jar from
# this tree unless SKIP_BUILD=1 (a build that leaves no fresh jar fails: a stale jar is never
# measured).

for tool in java git curl awk timeout wrk ${PYTHON:+"$PYTHON"}; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
[ -n "$SKIP_BUILD" ] || command -v mvn >/dev/null || die "mvn is required (or SKIP_BUILD=1)"

mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
cd "$REPO"
log "output in $OUT_DIR"

# The tree as it is built: read first, though the build writes only ignored files.
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain 2>/dev/null)" ] || COMMIT+=-dirty

if [ -z "$SKIP_BUILD" ]; then
  touch "$OUT_DIR/build.stamp"
  log "building the gateway jar (mvn -DskipTests package in $REPO)"
  mvn -q -B -DskipTests package >"$OUT_DIR/build.log" 2>&1 \
    || { cat "$OUT_DIR/build.log" >&2; die "the build failed"; }
  [ "$GATEWAY_JAR" -nt "$OUT_DIR/build.stamp" ] || die "the build wrote no fresh $GATEWAY_JAR"
else
  [ -f "$GATEWAY_JAR" ] || die "SKIP_BUILD=1 but there is no $GATEWAY_JAR"
  log "SKIP_BUILD=1: using $GATEWAY_JAR as it is"
fi
