package io.inferencegateway;

import io.inferencegateway.config.GatewayConfig;
import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.health.Draining;
import io.inferencegateway.http.HttpVerticle;
import io.inferencegateway.management.ManagementVerticle;
import io.inferencegateway.metrics.GatewayMetrics;
import io.inferencegateway.model.LocalCodec;
import io.inferencegateway.model.ModelQueueVerticle;
import io.inferencegateway.model.ModelRuntime;
import io.inferencegateway.model.ModelScheduler;
import io.inferencegateway.model.ModelStatusVerticle;
import io.inferencegateway.model.ModelVerticle;
import io.inferencegateway.model.QueueSlots;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
   * to start.
   */
  public static Future<Gateway> start(Vertx vertx, Vertx control, GatewayConfig config,
      GatewayMetrics metrics) {
    LocalCodec.registerAll(vertx.eventBus());
    LocalCodec.registerAll(control.eventBus());
    List<String> names = config.models().stream().map(ModelConfig::name).toList();
    QueueSlots slots = new QueueSlots(names, config.inference().maxQueue());
    List<ModelRuntime> runtimes = config.models().stream()
        .map(model -> new ModelRuntime(model, config.health().stuckAfterMs(),
            metrics.model(model.name(), model.version())))
        .toList();
    Future<?> models = Future.join(runtimes.stream()
        .map(runtime -> deployModel(vertx, slots, runtime)).toList());
    Draining draining = new Draining();
    Future<Integer> management = Future.join(runtimes.stream()
            .map(runtime -> control.deployVerticle(new ModelStatusVerticle(runtime))).toList())
        .compose(statuses -> deployManagement(control, config, metrics, draining));
    // Models load while the HTTP verticles already answer, so probes see them as LOADING.
    Future<HttpDeployment> http = deployHttp(vertx, config, slots, metrics, draining);
    // join, not all: a failed listen must still wait for model deployments to settle.
    return Future.join(models, management, http)
        .map(all -> new Gateway(vertx, control, config, draining, http.result().port(),
            management.result(), http.result().id()))
        .recover(failure -> control.close().transform(closed -> Future.failedFuture(failure)));
  }

  /** The model's status and queue verticles on event loops, then its worker instances. */
  private static Future<?> deployModel(Vertx vertx, QueueSlots slots, ModelRuntime runtime) {
    ModelConfig model = runtime.config();
    ModelScheduler scheduler = new ModelScheduler(vertx, runtime, slots);
    return vertx.deployVerticle(new ModelStatusVerticle(runtime))
        .compose(status -> vertx.deployVerticle(new ModelQueueVerticle(model.name(), scheduler)))
        .compose(queue -> vertx.deployVerticle(() -> new ModelVerticle(runtime, scheduler),
            new DeploymentOptions()
                .setThreadingModel(ThreadingModel.WORKER)
                .setInstances(model.instances())
                // A pool of its own: one thread per instance, whatever the other models do.
                .setWorkerPoolName("model-" + model.name())
                .setWorkerPoolSize(model.instances())));
  }

  private record HttpDeployment(String id, int port) {
  }

  /**
   * All instances share one server socket. Port 0 becomes -1, Vert.x's way of sharing one random
   * port between instances, where 0 would give each instance a port of its own.
   */
  private static Future<HttpDeployment> deployHttp(Vertx vertx, GatewayConfig config,
      QueueSlots slots, GatewayMetrics metrics, Draining draining) {
    int port = config.http().port() == 0 ? -1 : config.http().port();
    String version = GatewayVersion.get();
    List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
      HttpVerticle verticle = new HttpVerticle(config, port, slots, metrics, draining, version);
      verticles.add(verticle);
      return verticle;
    }, new DeploymentOptions().setInstances(config.http().instances()))
        .map(id -> new HttpDeployment(id, verticles.get(0).actualPort()));
  }

  private static Future<Integer> deployManagement(Vertx control, GatewayConfig config,
      GatewayMetrics metrics, Draining draining) {
    ManagementVerticle management = new ManagementVerticle(config, config.management().port(),
        metrics.registry(), draining);
    return control.deployVerticle(management).map(id -> management.actualPort());
  }
}
