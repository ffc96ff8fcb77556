package io.inferencegateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * {@code GET /health} on the management port polled while the request mix runs.
 *
 * <p>Phases: {@code warmup} ramps the mix from 1 to {@code rate} requests/s over {@code warmup}
 * seconds; then, for {@code duration} seconds, {@code load} holds {@code rate} requests/s while
 * {@code health} polls {@code /health} {@code healthRate} times a second.
 *
 * <p>Assertions: every health poll answers 200 with {@code "status":"UP"}; the slowest poll takes
 * less than {@code healthMaxMs} (default 500 ms, a quarter of the gateway's 2 s
 * {@code health.timeoutMs}: a probe close to that timeout would soon turn into a false DOWN); and
 * every load request is a 200 or a clean overload refusal (see {@link Traffic.Expect}), so the
 * load may be pushed past capacity with {@code -Drate} to check that a busy gateway stays UP.
 *
 * <p>Properties (defaults): gateway.url (http://127.0.0.1:8080), gateway.managementUrl
 * (http://127.0.0.1:8081), rate (200), duration (30),
 * warmup (10), healthRate (5), healthMaxMs (500), and those of {@link Traffic}.
 */
public class HealthUnderLoadSimulation extends Simulation {

  private final String url = Settings.gatewayUrl();
  private final int rate = Settings.positiveInt("rate", 200);
  private final int duration = Settings.positiveInt("duration", 30);
  private final int warmup = Settings.nonNegativeInt("warmup", 10);
  private final int healthRate = Settings.positiveInt("healthRate", 5);
  private final int healthMaxMs = Settings.positiveInt("healthMaxMs", 500);
  private final Traffic traffic = Traffic.fromProperties(url);

  private final ScenarioBuilder warm = scenario("warmup")
      .exec(traffic.request("warmup", Traffic.Expect.OK_OR_OVERLOADED));
  private final ScenarioBuilder load = scenario("load")
      .exec(traffic.request("load", Traffic.Expect.OK_OR_OVERLOADED));
  private final ScenarioBuilder health = scenario("health")
      .exec(group("health").on(http("GET /health").get(Settings.managementUrl() + "/health")
          .check(status().saveAs("status"), responseTimeInMillis().saveAs("rt"),
              status().is(200), jsonPath("$.status").is("UP"))))
      .exec(session -> traffic.tally("health", session));

  {
    Settings.print("HealthUnderLoadSimulation", "rate", rate + "/s", "duration", duration + "s",
        "warmup", warmup + "s", "healthRate", healthRate + "/s", "healthMaxMs",
        String.valueOf(healthMaxMs), "mix", traffic.describe());
    setUp(warm.injectOpen(rampUsersPerSec(1).to(rate).during(Math.max(warmup, 1)))
            .andThen(
                load.injectOpen(constantUsersPerSec(rate).during(duration)),
                health.injectOpen(constantUsersPerSec(healthRate).during(duration))))
        .protocols(Traffic.protocol(url))
        .assertions(
            details("health").allRequests().count().gt(0L),
            details("health").failedRequests().count().is(0L),
            details("health").responseTime().max().lt(healthMaxMs),
            details("load").failedRequests().count().is(0L),
            details("warmup").failedRequests().count().is(0L))
        .maxDuration(Duration.ofSeconds(warmup + duration + 60L));
  }

  @Override
  public void after() {
    System.out.println(traffic.outcomes().summary());
  }
}
