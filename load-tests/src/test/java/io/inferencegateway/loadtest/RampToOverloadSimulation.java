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
 * The request mix at an arrival rate rising past the gateway's capacity and back down, then a
 * recovery phase at a low rate.
 *
 * <p>Phases: {@code warmup} ramps from 1 to {@code base} requests/s over {@code warmup} seconds;
 * {@code ramp} rises from {@code base} to {@code peak} over {@code rampUp} seconds, holds
 * {@code peak} for {@code hold} seconds and falls back to {@code base} over {@code rampDown}
 * seconds; {@code recovery} starts once every ramp request has its answer and sends
 * {@code recoveryRate} requests/s for {@code recovery} seconds.
 *
 * <p>Assertions: every response in every phase is a 200 with a body for the right model or a clean
 * refusal (503 with {@code Retry-After} and an {@code {"error": "... overloaded ..."}} body, or 429
 * with an error body). A 504, a 500 or any other status, a connection error, or no answer within
 * Gatling's request timeout (15 s, src/test/resources/gatling.conf) fails the run. 504 is not
 * counted as clean: with the demo config a request can wait behind at most 63 others
 * ({@code inference.maxQueue} 64), which is milliseconds of work against a 10 s
 * {@code inference.timeoutMs}, so a 504 means the gateway stalled. Then every {@code recovery}
 * request must be a 200: the gateway has recovered once the load is gone.
 *
 * <p>The counts of each status per phase are printed at the end; a ramp without any 503 did not
 * reach the gateway's capacity (raise {@code peak}).
 *
 * <p>Properties (defaults): gateway.url (http://127.0.0.1:8080), base (100), peak (3000),
 * warmup (10), rampUp (20), hold (10), rampDown (10), recoveryRate (100), recovery (10), and those
 * of {@link Traffic}.
 */
public class RampToOverloadSimulation extends Simulation {

  private final String url = Settings.gatewayUrl();
  private final int base = Settings.positiveInt("base", 100);
  private final int peak = Settings.positiveInt("peak", 3000);
  private final int warmup = Settings.nonNegativeInt("warmup", 10);
  private final int rampUp = Settings.positiveInt("rampUp", 20);
  private final int hold = Settings.nonNegativeInt("hold", 10);
  private final int rampDown = Settings.positiveInt("rampDown", 10);
  private final int recoveryRate = Settings.positiveInt("recoveryRate", 100);
  private final int recovery = Settings.positiveInt("recovery", 10);
  private final Traffic traffic = Traffic.fromProperties(url);

  private final ScenarioBuilder warm = scenario("warmup")
      .exec(traffic.request("warmup", Traffic.Expect.OK_OR_OVERLOADED));
  private final ScenarioBuilder ramp = scenario("ramp")
      .exec(traffic.request("ramp", Traffic.Expect.OK_OR_OVERLOADED));
  private final ScenarioBuilder recover = scenario("recovery")
      .exec(traffic.request("recovery", Traffic.Expect.OK));

  {
    Settings.print("RampToOverloadSimulation", "base", base + "/s", "peak", peak + "/s",
        "warmup", warmup + "s", "rampUp", rampUp + "s", "hold", hold + "s",
        "rampDown", rampDown + "s", "recoveryRate", recoveryRate + "/s",
        "recovery", recovery + "s", "mix", traffic.describe());
    setUp(warm.injectOpen(rampUsersPerSec(1).to(base).during(Math.max(warmup, 1)))
            .andThen(ramp.injectOpen(
                    rampUsersPerSec(base).to(peak).during(rampUp),
                    constantUsersPerSec(peak).during(hold),
                    rampUsersPerSec(peak).to(base).during(rampDown))
                .andThen(recover.injectOpen(constantUsersPerSec(recoveryRate).during(recovery)))))
        .protocols(Traffic.protocol(url))
        .assertions(
            global().failedRequests().count().is(0L),
            details("ramp").allRequests().count().gt(0L),
            details("recovery").allRequests().count().gt(0L),
            details("recovery").failedRequests().count().is(0L))
        .maxDuration(Duration.ofSeconds(warmup + rampUp + hold + rampDown + recovery + 90L));
  }

  @Override
  public void after() {
    System.out.println(traffic.outcomes().summary());
    long refused = traffic.outcomes().count("ramp", 503) + traffic.outcomes().count("ramp", 429);
    System.out.println(refused == 0
        ? "NOTE: no request was refused during the ramp: peak=" + peak
            + "/s did not reach the gateway's capacity; raise -Dpeak to test overload."
        : "The ramp overloaded the gateway: " + refused + " clean refusals.");
  }
}
