package io.inferencegateway.metrics;

import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's Prometheus registry: JVM, process, Netty buffer and Vert.x pool metrics, the data
 * port's request meters and the per-model meters.
 */
public final class GatewayMetrics {

  private final PrometheusMeterRegistry registry;
  private final Map<String, ModelMetrics> models = new ConcurrentHashMap<>();

  public GatewayMetrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new FileDescriptorMetrics().bindTo(registry);
    // The memory of the buffers requests and answers pass through, outside the heap.
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
      new NettyAllocatorMetrics(allocator).bindTo(registry);
    }
  }

  /**
   * A Vert.x instance that reports into this registry. Its HTTP server metrics are off: they cost
   * about a sixth of the CPU of a small inference, and {@link HttpMetrics} counts the data port's
   * requests instead. Its event-bus metrics are off too: every inference sent to another node
   * crosses the bus twice, and looking up their meters took about 4 % of the samples in a
   * profile of small requests, to count what the per-model meters already count. It uses the
   * native epoll transport where it loads (Linux on x86-64), which cost about a tenth less CPU
   * per request than Java NIO in side-by-side runs.
   */
  public Vertx createVertx() {
    return builder(new VertxOptions()).build();
  }

  /**
   * A Vert.x instance with the same meters, joined to a cluster through {@code manager}, its
   * event bus bound and advertised as {@code bus} says.
   */
  public Future<Vertx> createClusteredVertx(ClusterManager manager, EventBusOptions bus) {
    return builder(new VertxOptions().setEventBusOptions(bus))
        .withClusterManager(manager)
        .buildClustered();
  }

  private VertxBuilder builder(VertxOptions options) {
    return Vertx.builder()
        .with(options
            .setPreferNativeTransport(true)
            .setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
                .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Meters for one HTTP verticle instance's requests, kept by its event loop. */
  public HttpMetrics http() {
    return new HttpMetrics(registry);
  }

  /** The meters of one model version, created on first use and shared from then on. */
  public ModelMetrics model(String name, String version) {
    return models.computeIfAbsent(name + '\u0000' + version,
        key -> new ModelMetrics(registry, name, version));
  }
}
