package io.inferencegateway;

import io.inferencegateway.config.GatewayConfig;
import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.http.HttpVerticle;
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
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Deploys a configured gateway on a Vert.x instance: per model a status verticle and its worker
 * verticles, then the HTTP verticle instances. Models that fail to load are served as DOWN; only a
 * failure to listen fails the start.
 */
public final class Gateway {

  private final Vertx vertx;
  private final int port;
  private final String httpDeployment;

  private Gateway(Vertx vertx, int port, String httpDeployment) {
    this.vertx = vertx;
    this.port = port;
    this.httpDeployment = httpDeployment;
  }

  /** The port the gateway listens on. */
  public int port() {
    return port;
  }

  /**
   * Stops taking requests and lets those in flight finish while the models still serve them;
   * closing Vert.x afterwards stops the models.
   */
  public Future<Void> stopAccepting() {
    return vertx.undeploy(httpDeployment);
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, GatewayMetrics metrics) {
    LocalCodec.registerAll(vertx.eventBus());
    List<String> names = config.models().stream().map(ModelConfig::name).toList();
    QueueSlots slots = new QueueSlots(names, config.inference().maxQueue());
    Future<?> models = Future.join(config.models().stream()
        .map(model -> deployModel(vertx, slots, new ModelRuntime(model,
            config.health().stuckAfterMs(), metrics.model(model.name(), model.version()))))
        .toList());
    // Models load while the HTTP verticle already answers, so probes see them as LOADING.
    Future<Gateway> http = deployHttp(vertx, config, slots, metrics);
    // join, not all: a failed listen must still wait for model deployments to settle.
    return Future.join(models, http).map(both -> http.result());
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

  /**
   * All instances share one server socket. Port 0 becomes -1, Vert.x's way of sharing one random
   * port between instances, where 0 would give each instance a port of its own.
   */
  private static Future<Gateway> deployHttp(Vertx vertx, GatewayConfig config, QueueSlots slots,
      GatewayMetrics metrics) {
    int port = config.http().port() == 0 ? -1 : config.http().port();
    String version = GatewayVersion.get();
    List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
      HttpVerticle verticle = new HttpVerticle(config, port, slots, metrics, version);
      verticles.add(verticle);
      return verticle;
    }, new DeploymentOptions().setInstances(config.http().instances()))
        .map(id -> new Gateway(vertx, verticles.get(0).actualPort(), id));
  }
}
