package io.inferencegateway;

import io.inferencegateway.config.GatewayConfig;
import io.inferencegateway.health.Draining;
import io.inferencegateway.http.HttpVerticle;
import io.inferencegateway.management.ManagementVerticle;
import io.inferencegateway.metrics.GatewayMetrics;
import io.inferencegateway.model.LocalCodec;
import io.inferencegateway.model.ModelRegistry;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys a configured gateway. The data plane, on the given Vert.x instance: per model a status
 * verticle, a queue verticle and its worker verticles, then the HTTP verticle instances of the
 * data port. The control plane, on a Vert.x instance of its own with one event loop: the
 * management port and, per model, a status verticle answering its probes, so that probes never
 * wait behind inference parsing. Models that fail to load are served as DOWN; only a failure to
 * listen fails the start.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final Vertx control;
  private final GatewayConfig config;
  private final Draining draining;
  private final int port;
  private final int managementPort;
  private final String httpDeployment;

  private Gateway(Vertx vertx, Vertx control, GatewayConfig config, Draining draining, int port,
      int managementPort, String httpDeployment) {
    this.vertx = vertx;
    this.control = control;
    this.config = config;
    this.draining = draining;
    this.port = port;
    this.managementPort = managementPort;
    this.httpDeployment = httpDeployment;
  }

  /** The port the data plane listens on. */
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
   * and the management port last.
   */
  public Future<Void> stop() {
    draining.start();
    long delay = config.shutdown().drainDelayMs();
    LOG.info("Draining: readiness answers 503; the data port closes in {} ms", delay);
    Promise<Void> delayed = Promise.promise();
    if (delay > 0) {
      vertx.setTimer(delay, fired -> delayed.complete());
    } else {
      delayed.complete();
    }
    return delayed.future()
        .compose(done -> vertx.undeploy(httpDeployment))
        .onComplete(done -> LOG.info("The data port is closed; stopping the models"))
        .eventually(() -> vertx.close())
        .eventually(() -> control.close());
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
   * folders; {@code adminToken}, which may be null, guards that API.
   */
  public static Future<Gateway> start(Vertx vertx, Vertx control, GatewayConfig config,
      Path folder, GatewayMetrics metrics, String adminToken) {
    if (config.management().repositoryApi() && (adminToken == null || adminToken.isBlank())) {
      return control.close().transform(closed -> Future.failedFuture(new IllegalStateException(
          "management.repositoryApi is on, but GATEWAY_ADMIN_TOKEN is not set")));
    }
    LocalCodec.registerAll(vertx.eventBus());
    LocalCodec.registerAll(control.eventBus());
    QueueSlots slots = new QueueSlots(config.inference().maxQueue());
    ModelRegistry registry = new ModelRegistry(metrics, config.health().stuckAfterMs());
    // An unload waits as long as a request may take.
    ModelRepository repository = new ModelRepository(vertx, control, registry, slots, folder,
        config.inference().timeoutMs() + 1000);
    Draining draining = new Draining();
    // Models load while the ports already answer, so probes see them as LOADING.
    Future<?> models = Future.join(config.models().stream().map(repository::start).toList());
    if (config.repository().pollSeconds() > 0) {
      models.onComplete(loaded -> repository.poll(config.repository().pollSeconds()));
    }
    Future<Integer> management = deployManagement(control, config, registry, metrics, draining,
        config.management().repositoryApi() ? repository : null, adminToken);
    Future<HttpDeployment> http = deployHttp(vertx, config, registry, slots, metrics, draining);
    // join, not all: a failed listen must still wait for model deployments to settle.
    return Future.join(models, management, http)
        .map(all -> new Gateway(vertx, control, config, draining, http.result().port(),
            management.result(), http.result().id()))
        .recover(failure -> control.close().transform(closed -> Future.failedFuture(failure)));
  }

  private record HttpDeployment(String id, int port) {
  }

  /**
   * All instances share one server socket. Port 0 becomes -1, Vert.x's way of sharing one random
   * port between instances, where 0 would give each instance a port of its own.
   */
  private static Future<HttpDeployment> deployHttp(Vertx vertx, GatewayConfig config,
      ModelRegistry registry, QueueSlots slots, GatewayMetrics metrics, Draining draining) {
    int port = config.http().port() == 0 ? -1 : config.http().port();
    String version = GatewayVersion.get();
    List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
    // The data port's connections, counted across its instances' event loops.
    AtomicInteger connections = new AtomicInteger();
    return vertx.deployVerticle(() -> {
      HttpVerticle verticle = new HttpVerticle(config, port, registry, slots, metrics, draining,
          connections, version);
      verticles.add(verticle);
      return verticle;
    }, new DeploymentOptions().setInstances(config.http().instances()))
        .map(id -> new HttpDeployment(id, verticles.get(0).actualPort()));
  }

  private static Future<Integer> deployManagement(Vertx control, GatewayConfig config,
      ModelRegistry registry, GatewayMetrics metrics, Draining draining,
      ModelRepository repository, String adminToken) {
    ManagementVerticle management = new ManagementVerticle(config, config.management().port(),
        registry, metrics.registry(), draining, repository, adminToken);
    return control.deployVerticle(management).map(id -> management.actualPort());
  }
}
