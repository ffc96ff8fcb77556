package io.inferencegateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The request mix shared by the simulations: every listed model through the Open Inference
 * Protocol ({@code POST /v2/models/{name}/infer}), and the Iris models through the named-feature
 * route ({@code POST /v1/models/{name}:predict}), in a fixed round-robin order so every run sends
 * the same sequence of requests. Each virtual user sends one request.
 *
 * <p>Properties: {@code models} (comma-separated, OIP; default the four demo models),
 * {@code predictModels} (comma-separated, :predict; default the two Iris models, whose fixed rows
 * {@link Payloads} knows; empty for none), {@code rows} (rows per OIP request, default 1).
 */
final class Traffic {

  static final String DEFAULT_MODELS = "iris-classifier,iris-regressor,mlp,type-mix";
  static final String DEFAULT_PREDICT_MODELS = "iris-classifier,iris-regressor";

  /** What a response must be to count as a success. */
  enum Expect {
    /** 200 with a body answering for the right model. */
    OK,
    /**
     * 200 as for {@link #OK}, or a clean refusal: 503 with {@code Retry-After} and an
     * {@code {"error": "... overloaded ..."}} body, or 429 with an error body. Anything else (other
     * statuses, 504 included, a connection error or no answer within the request timeout) fails.
     */
    OK_OR_OVERLOADED
  }

  /** One kind of request: a route, a model and the bodies it cycles through. */
  record Target(String name, String model, String path, boolean oip, List<String> bodies) {
  }

  private final List<Target> targets;
  private final AtomicLong sequence = new AtomicLong();
  private final Outcomes outcomes = new Outcomes();

  private Traffic(List<Target> targets) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no models to send requests to (-Dmodels, -DpredictModels)");
    }
    this.targets = List.copyOf(targets);
  }

  /** The mix from the {@code models}, {@code predictModels} and {@code rows} properties. */
  static Traffic fromProperties(String baseUrl) {
    int rows = Settings.positiveInt("rows", 1);
    List<Target> targets = new ArrayList<>();
    for (String model : list(System.getProperty("models", DEFAULT_MODELS))) {
      targets.add(new Target("v2 " + model, model, "/v2/models/" + model + "/infer", true,
          Payloads.inferBodies(baseUrl, model, rows)));
    }
    for (String model : list(System.getProperty("predictModels", DEFAULT_PREDICT_MODELS))) {
      targets.add(new Target("v1 " + model, model, "/v1/models/" + model + ":predict", false,
          Payloads.predictBodies(model)));
    }
    return new Traffic(targets);
  }

  private static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static HttpProtocolBuilder protocol(String baseUrl) {
    return http.baseUrl(baseUrl)
        // Gatling's first request warms its HTTP stack; by default it goes to an outside host.
        .warmUp(baseUrl + "/v2/health/ready")
        .acceptHeader("application/json")
        .contentTypeHeader("application/json")
        // Virtual users share one keep-alive pool, as an upstream service's client would, instead
        // of each opening a TCP connection for its one request. The pool has no size limit
        // (maxConnectionsPerHost is per virtual user), so it holds one connection per request in
        // flight: an overload reaches the gateway, and when answers are slow the connections grow
        // with rate x latency (ulimit -n bounds them).
        .shareConnections();
  }

  String describe() {
    return targets.stream().map(Target::name).collect(Collectors.joining(", "));
  }

  int kinds() {
    return targets.size();
  }

  /**
   * One request of the mix inside group {@code phase}: the group's statistics are what the
   * simulations assert on, so warm-up and recovery phases can be judged apart.
   */
  ChainBuilder request(String phase, Expect expect) {
    return group(phase).on(
        exec(this::pick)
            .exec(checks(http(session -> session.getString("target")).post(s -> s.getString("path"))
                .body(StringBody(s -> s.getString("body"))), expect))
            .exec(session -> tally(phase, session)));
  }

  private Session pick(Session session) {
    long n = sequence.getAndIncrement();
    Target target = targets.get((int) (n % targets.size()));
    String body = target.bodies().get((int) ((n / targets.size()) % target.bodies().size()));
    return session.set("target", target.name()).set("model", target.model())
        .set("path", target.path()).set("body", body).set("oip", target.oip());
  }

  private static HttpRequestActionBuilder checks(HttpRequestActionBuilder request, Expect expect) {
    HttpRequestActionBuilder checked = request
        .check(status().saveAs("status"), responseTimeInMillis().saveAs("rt"));
    checked = expect == Expect.OK
        ? checked.check(status().is(200))
        : checked.check(status().in(200, 503, 429));
    checked = checked
        .checkIf((response, session) -> response.status().code() == 200 && session.getBoolean("oip"))
        .then(jsonPath("$.model_name").is(session -> session.getString("model")),
            jsonPath("$.outputs[0].data").exists())
        .checkIf((response, session) -> response.status().code() == 200 && !session.getBoolean("oip"))
        .then(jsonPath("$.predictions[0]").exists());
    if (expect == Expect.OK_OR_OVERLOADED) {
      checked = checked
          .checkIf((response, session) -> response.status().code() == 503)
          .then(header("Retry-After").exists(), jsonPath("$.error").exists(),
              substring("overloaded").exists())
          .checkIf((response, session) -> response.status().code() == 429)
          .then(jsonPath("$.error").exists());
    }
    return checked;
  }

  /**
   * Adds the answer saved in the session ({@code status} and {@code rt}, see {@link #checks}) to
   * the tally of {@code phase}, and of {@code phase / target} when a request of the mix was sent.
   */
  Session tally(String phase, Session session) {
    int status = session.contains("status") ? session.getInt("status") : -1;
    int time = session.contains("rt") ? session.getInt("rt") : -1;
    outcomes.record(phase, status, time);
    if (session.contains("target")) {
      outcomes.record(phase + " / " + session.getString("target"), status, time);
    }
    return session.remove("status").remove("rt");
  }

  Outcomes outcomes() {
    return outcomes;
  }
}
