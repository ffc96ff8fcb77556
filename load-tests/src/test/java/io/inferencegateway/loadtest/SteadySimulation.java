package io.inferencegateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * The request mix (every demo model through the Open Inference Protocol, the Iris models through
 * :predict) at a fixed arrival rate, after a warm-up ramp.
 *
 * <p>Phases: {@code warmup} ramps from 1 to {@code rate} requests/s over {@code warmup} seconds
 * (its requests must succeed but its latencies are not judged: the JIT is still compiling); then
 * {@code steady} holds {@code rate} requests/s for {@code duration} seconds.
 *
 * <p>Assertions: no failed request in any phase (every answer 200 with a body for the right model),
 * and the 99th percentile of {@code steady} response times below {@code p99Ms}.
 *
 * <p>Properties (defaults): gateway.url (http://127.0.0.1:8080), rate (200), duration (30),
 * warmup (10), p99Ms (100), and those of {@link Traffic}.
 */
public class SteadySimulation extends Simulation {

  private final String url = Settings.gatewayUrl();
  private final int rate = Settings.positiveInt("rate", 200);
  private final int duration = Settings.positiveInt("duration", 30);
  private final int warmup = Settings.nonNegativeInt("warmup", 10);
  private final int p99Ms = Settings.positiveInt("p99Ms", 100);
  private final Traffic traffic = Traffic.fromProperties(url);

  private final ScenarioBuilder warm = scenario("warmup")
      .exec(traffic.request("warmup", Traffic.Expect.OK));
  private final ScenarioBuilder steady = scenario("steady")
      .exec(traffic.request("steady", Traffic.Expect.OK));

  {
    Settings.print("SteadySimulation", "rate", rate + "/s", "duration", duration + "s",
        "warmup", warmup + "s", "p99Ms", String.valueOf(p99Ms), "mix", traffic.describe());
    setUp(warm.injectOpen(rampUsersPerSec(1).to(rate).during(Math.max(warmup, 1)))
            .andThen(steady.injectOpen(constantUsersPerSec(rate).during(duration))))
        .protocols(Traffic.protocol(url))
        .assertions(
            global().failedRequests().count().is(0L),
            details("steady").allRequests().count().gt(0L),
            details("steady").responseTime().percentile(99).lt(p99Ms))
        // Bounded whatever happens: the phases plus the request timeout and some slack.
        .maxDuration(Duration.ofSeconds(warmup + duration + 60L));
  }

  @Override
  public void after() {
    System.out.println(traffic.outcomes().summary());
  }
}
