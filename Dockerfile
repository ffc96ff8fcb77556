# inference-gateway container image.
#
#   docker build -t inference-gateway .
#   docker run -p 8080:8080 -p 8081:8081 inference-gateway     (data port, management port)
#
# Both base images are build arguments: any Maven image with JDK 17 or newer builds the jar
# (it is compiled with --release 17), and any Java 17+ runtime with a shell runs it.
# src/test/container/container-test.sh builds this file on Debian-made bases.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre

# ---------------------------------------------------------------------------------------------
FROM ${BUILD_IMAGE} AS build
WORKDIR /build

# Dependencies first: this layer is rebuilt only when pom.xml changes, not on every code change.
# (Not dependency:go-offline: it also chases a build-only jar that Netty's epoll pom names with a
# classifier only Netty's own build can fill in, and fails.)
COPY pom.xml .
RUN mvn -B -q dependency:resolve dependency:resolve-plugins

COPY src ./src
# -Dmaven.test.skip=true skips compiling the tests too; the tests run outside the image build.
# The package also takes ONNX Runtime's native libraries for this platform out of the jar, into
# target/native (src/build/native-libraries.sh): left inside, they are copied to /tmp (22 MiB) at
# every start, a quarter of a second. Its class-data archive is skipped: it would fit this stage's
# JDK, not the runtime's, which writes its own below.
RUN mvn -B -q -Dmaven.test.skip=true -Dclass-data.skip=true package

# ---------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}

LABEL org.opencontainers.image.title="inference-gateway" \
      org.opencontainers.image.description="Vert.x gateway serving ONNX models over the Open Inference Protocol"

# curl runs the HEALTHCHECK. Bases that have it (the Debian-made one the container test uses)
# skip the install, so this step needs no network there; eclipse-temurin's JRE image lacks it.
# The gateway runs as an unprivileged user with a fixed numeric id (Kubernetes' runAsNonRoot
# can check a number, not a name).
RUN if ! command -v curl >/dev/null 2>&1; then \
        apt-get update \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && groupadd --gid 10001 gateway \
    && useradd --no-log-init --uid 10001 --gid gateway --home-dir /app --no-create-home \
               --shell /usr/sbin/nologin gateway

WORKDIR /app
COPY --from=build /build/target/inference-gateway.jar /app/inference-gateway.jar
COPY --from=build /build/target/native /app/native
# The configuration and its models, read-only for the gateway user. Mount another folder on
# /app/conf (or point GATEWAY_CONFIG elsewhere) to serve other models without a rebuild;
# model paths in gateway.json are relative to the config file.
COPY conf /app/conf

# A class-data archive of one real start (the demo models loaded, one inference answered,
# src/build/class-data-archive.sh): the JVM then maps those classes instead of loading and
# verifying them again; with the native libraries above, the JVM answers first after about 1 s
# instead of 2 s on the 2-core development machine (README, Containers). Written by root,
# readable by the gateway user; what the run left in /tmp goes.
COPY src/build/class-data-archive.sh /tmp/class-data-archive.sh
RUN bash /tmp/class-data-archive.sh /app/inference-gateway.jar /app/gateway.jsa \
        -XX:+UseSerialGC -Xmx128m -Djava.io.tmpdir=/tmp -Donnxruntime.native.path=/app/native \
    && rm -rf /tmp/*

ENV GATEWAY_CONFIG=/app/conf/gateway.json
USER 10001:10001
# The data port (inference) and the management port (health and metrics).
EXPOSE 8080 8081

# Timing of the health check:
# - start-period 20s: the JVM starts in 1-3 s and loads the demo models in 1-2 s more (2-5 s
#   in all); failures inside the start period do not count, so a slow host or larger models
#   are not reported unhealthy while still loading. A success ends the start period at once,
#   so a longer one does not delay "healthy". Raise it for models that take longer to load.
# - curl --max-time 3: /health lasts as long as its slowest per-model procedure, which times
#   out after health.timeoutMs (2 s) and then reports that model DOWN (503). curl must wait
#   longer than that to see the 503 rather than give up first.
# - timeout 4s: above curl's own limit, so curl always ends the probe itself.
# - interval 5s, retries 3: a probe is one small request per model, cheap enough to run often;
#   "healthy" comes within ~5 s of readiness and a failure is reported after ~15 s.
# The probe goes to the management port, whose event loop parses no inference request, so a
# flooded data port cannot make it late; it follows GATEWAY_MANAGEMENT_PORT when that is set.
HEALTHCHECK --interval=5s --timeout=4s --start-period=20s --retries=3 \
    CMD curl --fail --silent --show-error --max-time 3 --output /dev/null "http://127.0.0.1:${GATEWAY_MANAGEMENT_PORT:-8081}/health" || exit 1

# Exec form: java is PID 1 and receives SIGTERM itself, so the gateway's shutdown hook runs.
# The heap is half the container's memory limit (run the image with one: compose gives 256 MiB),
# with the serial collector: a small heap, collected on the thread that fills it, keeps the
# resident size near heap + 90 MiB (README, Memory). An OutOfMemoryError ends the process (and
# lets the orchestrator restart it) instead of leaving a half-working gateway.
# ONNX Runtime loads its native libraries from /app/native. java.io.tmpdir is the only place
# written to (an empty folder of ONNX Runtime's, and Vert.x's file cache); /tmp is writable by
# everyone in both bases. With a read-only root file system mount a tmpfs there:
# docker run --read-only --tmpfs /tmp:rw,mode=1777 ...
# More JVM options: set JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", \
            "-XX:SharedArchiveFile=/app/gateway.jsa", "-Donnxruntime.native.path=/app/native", \
            "-Djava.io.tmpdir=/tmp", "-jar", "/app/inference-gateway.jar"]
