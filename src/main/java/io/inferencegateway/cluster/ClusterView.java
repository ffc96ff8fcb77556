package io.inferencegateway.cluster;

import io.inferencegateway.config.ConfigReader;
import io.inferencegateway.config.ModelConfig;
import io.inferencegateway.model.ModelRegistry;
import io.inferencegateway.model.ModelState;
import io.inferencegateway.model.NodeCalls;
import io.inferencegateway.model.Replica;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway node's view of the cluster's models: the replicas each worker announces, kept in the
 * registry that the HTTP front routes by. A version unloaded from its last replica leaves the
 * registry; a version whose last worker died or is draining stays, with no replica, so that it
 * is reported DOWN and answered 503 until a worker serves it again. Requests in flight on a
 * node that leaves the cluster fail at once. All changes run on this verticle's context.
 */
public final class ClusterView extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);

  /** A model version as one node announced it. */
  private record Announced(ModelConfig config, Replica replica) {
  }

  private final ModelRegistry registry;
  private final NodeCalls calls;
  private final Path folder;
  /** Each node's announced versions, by name and version. */
  private final Map<String, Map<String, Announced>> nodes = new HashMap<>();

  public ClusterView(ModelRegistry registry, NodeCalls calls, Path folder) {
    this.registry = registry;
    this.calls = calls;
    this.folder = folder;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(ReplicaAnnouncer.REPLICAS,
            message -> announced(message.body()))
        .completion()
        .onSuccess(listening -> vertx.eventBus().publish(ReplicaAnnouncer.ASK, null));
  }

  /**
   * The node has left the cluster, dead or drained: it serves nothing from now on. Its replicas
   * go first, so that the requests it leaves unanswered are retried elsewhere.
   */
  public void left(String node) {
    context.runOnContext(now -> {
      if (nodes.containsKey(node)) {
        LOG.warn("Node {} left the cluster; its models have no replica there any more", node);
        update(node, Map.of(), true);
      }
      calls.left(node);
    });
  }

  private void announced(JsonObject announcement) {
    String node = announcement.getString("node");
    Map<String, Announced> now = new HashMap<>();
    for (Object entry : announcement.getJsonArray("models")) {
      JsonObject model = (JsonObject) entry;
      ModelConfig config;
      try {
        config = ConfigReader.parseModel(model.getJsonObject("config"), folder);
      } catch (RuntimeException e) {
        LOG.error("Node {} announced a model this gateway cannot read: {}", node, e.getMessage());
        continue;
      }
      Replica replica = new Replica(node, model.getString("key"),
          ModelState.valueOf(model.getString("state")));
      now.put(id(config), new Announced(config, replica));
    }
    if (!nodes.containsKey(node) && !now.isEmpty()) {
      LOG.info("Node {} serves {}", node, now.keySet());
    }
    update(node, now, announcement.getBoolean("leaving", false));
  }

  /**
   * Replaces what {@code node} serves and re-routes every version it touched. A version with no
   * replica left is withdrawn when its node unloaded it, and kept when its node went away.
   */
  private void update(String node, Map<String, Announced> now, boolean gone) {
    Map<String, Announced> before = gone && now.isEmpty()
        ? nodes.remove(node) : nodes.put(node, now);
    Set<String> touched = new HashSet<>(now.keySet());
    if (before != null) {
      touched.addAll(before.keySet());
    }
    for (String id : touched) {
      ModelConfig config = (now.containsKey(id) ? now.get(id) : before.get(id)).config();
      List<Replica> replicas = replicas(id);
      ServedModel served = find(config);
      if (served == null) {
        if (!replicas.isEmpty()) {
          registry.serve(ServedModel.remote(config, replicas));
        }
      } else if (!replicas.isEmpty() || gone) {
        served.replicas(replicas);
      } else {
        LOG.info("Model {} version {} is no longer served by any node", config.name(),
            config.version());
        registry.withdraw(served);
      }
    }
  }

  /** Every node's replica of the version, in node order, so that all gateways agree. */
  private List<Replica> replicas(String id) {
    List<Replica> replicas = new ArrayList<>();
    nodes.keySet().stream().sorted().forEach(node -> {
      Announced announced = nodes.get(node).get(id);
      if (announced != null) {
        replicas.add(announced.replica());
      }
    });
    return replicas;
  }

  private ServedModel find(ModelConfig config) {
    for (ServedModel served : registry.versions(config.name())) {
      if (served.version().equals(config.version())) {
        return served;
      }
    }
    return null;
  }

  private static String id(ModelConfig config) {
    return config.name() + '\u0000' + config.version();
  }
}
