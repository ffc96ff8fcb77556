package io.inferencegateway;

import io.inferencegateway.cluster.ClusterNode;
import io.inferencegateway.cluster.ClusterView;
import io.inferencegateway.cluster.ReplicaAnnouncer;
import io.inferencegateway.config.ClusterRole;
import io.inferencegateway.config.GatewayConfig;
import io.inferencegateway.health.Draining;
import io.inferencegateway.http.HttpVerticle;
import io.inferencegateway.management.ManagementVerticle;
import io.inferencegateway.metrics.GatewayMetrics;
import io.inferencegateway.model.ModelCodec;
import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.model.NodeCalls;
import io.inferencegateway.model.QueueSlots;
import io.inferencegateway.repository.ModelRepository;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys a configured gateway. The data plane, on the given Vert.x instance: per model a status
 * verticle, a queue verticle and its worker verticles, then the HTTP verticle instances of the
 * data port. The control plane, on a Vert.x instance of its own with one event loop: the
 * management port and, per model, a status verticle answering its probes, so that probes never
 * wait behind inference parsing. Models that fail to load are served as DOWN; only a failure to
 * listen fails the start. In a cluster, the data plane is the clustered Vert.x: a worker runs
 * its models and announces them, and serves no data port; a gateway node routes to the
 * replicas its workers announce and loads no model; a node with both roles does both.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  /** The least a draining worker waits for gateways to hear that it leaves. */
  private static final long LEAVE_NOTICE_MS = 1000;
  private static final long IDLE_POLL_MS = 20;

  private final Vertx vertx;
  private final Vertx control;
  private final GatewayConfig config;
  private final Draining draining;
  private final int port;
  private final int managementPort;
  private final String httpDeployment;
  private final ReplicaAnnouncer announcer;
  private final QueueSlots slots;

  private Gateway(Vertx vertx, Vertx control, GatewayConfig config, Draining draining, int port,
      int managementPort, String httpDeployment, ReplicaAnnouncer announcer, QueueSlots slots) {
    this.vertx = vertx;
    this.control = control;
    this.config = config;
    this.draining = draining;
    this.port = port;
    this.managementPort = managementPort;
    this.httpDeployment = httpDeployment;
    this.announcer = announcer;
    this.slots = slots;
  }

  /** The port the data plane listens on; -1 on a worker, which serves no data port. */
  public int port() {
    return port;
  }

  /** The port of health and metrics. */
  public int managementPort() {
    return managementPort;
  }

  /**
   * Drains and stops: readiness answers 503 at once while requests are still served; after
   * {@code shutdown.drainDelayMs} the data port stops accepting, closes the connections with no
   * request in flight and gives the others up to {@code shutdown.graceMs}; then the models stop,
   * and the management port last. A worker of a cluster first announces that it serves nothing,
   * then finishes the work it holds (up to the grace) before it leaves the cluster.
   */
  public Future<Void> stop() {
    draining.start();
    long delay = config.shutdown().drainDelayMs();
    if (announcer != null) {
      announcer.leave();
      delay = Math.max(delay, LEAVE_NOTICE_MS);
    }
    LOG.info("Draining: readiness answers 503; new work stops in {} ms", delay);
    Promise<Void> delayed = Promise.promise();
    if (delay > 0) {
      vertx.setTimer(delay, fired -> delayed.complete());
    } else {
      delayed.complete();
    }
    Future<Void> drained = delayed.future();
    if (httpDeployment != null) {
      drained = drained.compose(done -> vertx.undeploy(httpDeployment))
          .onComplete(done -> LOG.info("The data port is closed; stopping the models"));
    }
    if (announcer != null) {
      drained = drained.compose(done -> idle(System.nanoTime()
          + TimeUnit.MILLISECONDS.toNanos(config.shutdown().graceMs())));
    }
    return drained
        .eventually(() -> vertx.close())
        .eventually(() -> control.close());
  }

  /** Completes once no model holds a request, or at {@code deadline}. */
  private Future<Void> idle(long deadline) {
    if (slots.held() == 0 || System.nanoTime() > deadline) {
      LOG.info("The models hold {} requests; leaving the cluster", slots.held());
      return Future.succeededFuture();
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(IDLE_POLL_MS, fired -> idle(deadline).onComplete(later));
    return later.future();
  }

  /**
   * The Vert.x instance of the control plane: one event loop, no inference work. Made outside
   * any Vert.x context, as Vert.x expects of a new instance.
   */
  public static Vertx controlPlane() {
    return Vertx.builder()
        .with(new VertxOptions()
            .setPreferNativeTransport(true)
            .setEventLoopPoolSize(1)
            .setWorkerPoolSize(1)
            .setInternalBlockingPoolSize(1))
        .build();
  }

  /**
   * Deploys the gateway on the data plane {@code vertx} and the {@link #controlPlane()}
   * {@code control}; the gateway owns both from then on, and closes them when it stops or fails
   * to start. {@code folder} is the configuration's, where the repository API finds model
   * folders; {@code adminToken}, which may be null, guards that API. {@code cluster} is this
   * node when {@code cluster.role} is not standalone, and then {@code vertx} is its Vert.x.
   */
  public static Future<Gateway> start(Vertx vertx, Vertx control, GatewayConfig config,
      Path folder, GatewayMetrics metrics, String adminToken, ClusterNode cluster) {
    if (config.management().repositoryApi() && (adminToken == null || adminToken.isBlank())) {
      return control.close().transform(closed -> Future.failedFuture(new IllegalStateException(
          "management.repositoryApi is on, but GATEWAY_ADMIN_TOKEN is not set")));
    }
    ClusterRole role = config.cluster().role();
    ModelCodec.registerAll(vertx.eventBus());
    ModelCodec.registerAll(control.eventBus());
    QueueSlots slots = new QueueSlots(config.inference().maxQueue());
    ModelRegistry local = new ModelRegistry(metrics, config.health().stuckAfterMs(),
        cluster == null ? null : cluster.id());
    Draining draining = new Draining();
    Future<?> models = Future.succeededFuture();
    ModelRepository repository = null;
    ReplicaAnnouncer announcer = null;
    if (role.runsModels()) {
      // An unload waits as long as a request may take.
      repository = new ModelRepository(vertx, control, local, slots, folder,
          config.inference().timeoutMs() + 1000);
      // Models load while the ports already answer, so probes see them as LOADING.
      models = Future.join(config.models().stream().map(repository::start).toList());
      if (config.repository().pollSeconds() > 0) {
        ModelRepository polled = repository;
        models.onComplete(loaded -> polled.poll(config.repository().pollSeconds()));
      }
      if (cluster != null) {
        announcer = new ReplicaAnnouncer(local, cluster.id());
        models = Future.join(models, vertx.deployVerticle(announcer));
      }
    }
    // The models the HTTP front routes to: this process's, or, on a gateway node, the cluster's.
    ModelRegistry routed = local;
    NodeCalls calls = null;
    if (cluster != null && role.servesHttp()) {
      routed = new ModelRegistry(metrics, config.health().stuckAfterMs(), null);
      calls = new NodeCalls();
      ClusterView view = new ClusterView(routed, calls, folder);
      cluster.onLeft(view::left);
      models = Future.join(models, vertx.deployVerticle(view));
    }
    Future<Integer> management = deployManagement(control, config, routed, metrics, draining,
        config.management().repositoryApi() ? repository : null, adminToken,
        cluster != null && role.servesHttp() ? vertx : control);
    Future<HttpDeployment> http = role.servesHttp()
        ? deployHttp(vertx, config, routed, slots, metrics, draining, calls)
        : Future.succeededFuture(new HttpDeployment(null, -1));
    ReplicaAnnouncer announced = announcer;
    // join, not all: a failed listen must still wait for model deployments to settle.
    return Future.join(models, management, http)
        .map(all -> new Gateway(vertx, control, config, draining, http.result().port(),
            management.result(), http.result().id(), announced, slots))
        .recover(failure -> control.close().transform(closed -> Future.failedFuture(failure)));
  }

  private record HttpDeployment(String id, int port) {
  }

  /**
   * All instances share one server socket. Port 0 becomes -1, Vert.x's way of sharing one random
   * port between instances, where 0 would give each instance a port of its own.
   */
  private static Future<HttpDeployment> deployHttp(Vertx vertx, GatewayConfig config,
      ModelRegistry registry, QueueSlots slots, GatewayMetrics metrics, Draining draining,
      NodeCalls calls) {
    int port = config.http().port() == 0 ? -1 : config.http().port();
    String version = GatewayVersion.get();
    List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
    // The data port's connections, counted across its instances' event loops.
    AtomicInteger connections = new AtomicInteger();
    return vertx.deployVerticle(() -> {
      HttpVerticle verticle = new HttpVerticle(config, port, registry, slots, metrics, draining,
          connections, version, calls);
      verticles.add(verticle);
      return verticle;
    }, new DeploymentOptions().setInstances(config.http().instances()))
        .map(id -> new HttpDeployment(id, verticles.get(0).actualPort()));
  }

  private static Future<Integer> deployManagement(Vertx control, GatewayConfig config,
      ModelRegistry registry, GatewayMetrics metrics, Draining draining,
      ModelRepository repository, String adminToken, Vertx bus) {
    ManagementVerticle management = new ManagementVerticle(config, config.management().port(),
        registry, metrics.registry(), draining, repository, adminToken, bus);
    return control.deployVerticle(management).map(id -> management.actualPort());
  }
}
