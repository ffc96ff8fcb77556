package io.inferencegateway.config;

import java.util.List;

/**
 * How this process joins a cluster of gateways and workers: its role, the Hazelcast members it
 * joins over TCP/IP (no multicast), and the addresses other nodes reach it by. {@code host} is the
 * address this node binds and advertises (needed in containers, where the default interface may
 * not be the one others reach); {@code publicHost}/{@code publicPort} the event-bus address it
 * advertises when it differs from the one it binds. A node that stops answering Hazelcast's
 * heartbeats is dropped after {@code failureSeconds}.
 */
public record ClusterConfig(ClusterRole role, List<String> members, String host, Integer port,
    Integer busPort, String publicHost, Integer publicPort, Integer failureSeconds) {

  public ClusterConfig {
    role = role == null ? ClusterRole.STANDALONE : role;
    members = members == null ? List.of("127.0.0.1") : Rules.names("members", members);
    host = host == null ? null : Rules.text("host", host, null);
    port = Rules.between("port", port, 5701, 1, 65535);
    busPort = Rules.between("busPort", busPort, 0, 0, 65535);
    publicHost = publicHost == null ? null : Rules.text("publicHost", publicHost, null);
    publicPort = Rules.between("publicPort", publicPort, 0, 0, 65535);
    failureSeconds = Rules.between("failureSeconds", failureSeconds, 5, 1, 300);
  }
}
