package io.inferencegateway.health;

/**
 * Whether the gateway has begun to stop. From then on readiness answers 503, so load balancers
 * take the gateway out of rotation, while liveness stays 200 and requests are still served.
 */
public final class Draining {

  private volatile boolean started;

  public void start() {
    started = true;
  }

  public boolean started() {
    return started;
  }
}
