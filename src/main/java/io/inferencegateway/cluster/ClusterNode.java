package io.inferencegateway.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.inferencegateway.config.ClusterConfig;
import io.inferencegateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process as a member of a cluster: a clustered Vert.x whose Hazelcast member joins the
 * configured members over TCP/IP, never by multicast, and reports nothing off the machine.
 */
public final class ClusterNode {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  private static final String NODE_ID = "__vertx.nodeId";

  private final Vertx vertx;
  private final HazelcastClusterManager manager;

  private ClusterNode(Vertx vertx, HazelcastClusterManager manager) {
    this.vertx = vertx;
    this.manager = manager;
  }

  /** Joins the cluster; the future completes once this node is a member. */
  public static Future<ClusterNode> join(ClusterConfig config, GatewayMetrics metrics) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(config));
    EventBusOptions bus = new EventBusOptions().setPort(config.busPort());
    if (config.host() != null) {
      bus.setHost(config.host());
    }
    if (config.publicHost() != null) {
      bus.setClusterPublicHost(config.publicHost());
    }
    if (config.publicPort() > 0) {
      bus.setClusterPublicPort(config.publicPort());
    }
    return metrics.createClusteredVertx(manager, bus)
        .map(vertx -> new ClusterNode(vertx, manager));
  }

  /**
   * Vert.x's own Hazelcast configuration (the maps and multimap it needs) with TCP/IP join.
   * Hazelcast's shutdown hook is off: on SIGTERM the gateway drains first and leaves the cluster
   * last, when it closes Vert.x.
   */
  private static Config hazelcast(ClusterConfig cluster) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("inference-gateway");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    // Join as soon as a member answers rather than after Hazelcast's default 5 s of waiting.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    // Nodes that started at once and formed clusters of their own merge within seconds, not
    // Hazelcast's default five minutes.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    // Leaving hands this member's partitions over first; with every node stopping at once (a
    // compose stop) that can take long: the drain has already finished the work by then.
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "2");
    config.setProperty("hazelcast.max.no.heartbeat.seconds",
        String.valueOf(cluster.failureSeconds()));
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    if (cluster.host() != null) {
      // The address to bind and advertise. Not as an interface filter: Hazelcast would then
      // drop every member address that is not this node's own.
      config.setProperty("hazelcast.local.localAddress", cluster.host());
      network.setPublicAddress(cluster.host());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(resolved(cluster.members()));
    return config;
  }

  /**
   * Each member name with every address it resolves to, so that one name stands for all the
   * nodes behind it (a headless Service, a scaled compose service); Hazelcast would take one. A
   * name that does not resolve yet, or only to IPv6 addresses, is passed on as it is. Resolving blocks: called before any
   * event loop runs.
   */
  static List<String> resolved(List<String> members) {
    List<String> addresses = new ArrayList<>();
    for (String member : members) {
      int colon = member.lastIndexOf(':');
      boolean hasPort = colon > 0 && member.indexOf(':') == colon;
      String host = hasPort ? member.substring(0, colon) : member;
      String port = hasPort ? member.substring(colon) : "";
      try {
        int before = addresses.size();
        for (InetAddress address : InetAddress.getAllByName(host)) {
          if (address instanceof Inet4Address) {
            addresses.add(address.getHostAddress() + port);
          }
        }
        if (addresses.size() == before) {
          addresses.add(member);
        }
      } catch (UnknownHostException e) {
        LOG.warn("Cluster member {} does not resolve yet; Hazelcast will try it as it is", host);
        addresses.add(member);
      }
    }
    LOG.info("Joining the cluster through {}", addresses);
    return addresses;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** This node's id among the members, as the event bus and Hazelcast know it. */
  public String id() {
    return manager.getNodeId();
  }

  /** Tells {@code left} the id of each node that leaves the cluster, on a Hazelcast thread. */
  public void onLeft(Consumer<String> left) {
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        // Nodes announce their models themselves.
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        // Vert.x names its nodes by a member attribute of its own, not Hazelcast's member id.
        String node = event.getMember().getAttribute(NODE_ID);
        if (node != null) {
          left.accept(node);
        }
      }
    });
  }
}
