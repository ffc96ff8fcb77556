package io.inferencegateway.loadtest.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP ceiling of the benchmark: a minimal Vert.x server that reads each request's body and
 * answers a fixed small JSON (shaped like an infer reply), with as many event-loop instances as
 * the gateway's {@code http.instances} (the number of cores by default) and Netty's pooled buffer
 * allocator, as the gateway sets it. Whatever the gateway does on top of this costs throughput.
 *
 * <p>Given models, it is the HTTP and inference ceiling in one process ("echo + ORT"): a request
 * to {@code /v2/models/<name>/infer} also runs that model once on its event loop, as the gateway
 * runs a short request, on as many rows of the benchmark's inputs as its {@code Bench-Rows}
 * header says (1 without it), with the work {@link OrtBench} does around each call (copy the
 * input in, copy the output out), and no JSON: the answer is the same fixed one.
 *
 * <p>Usage: {@code EchoServer <port> [instances] [<name>=<model.onnx> ...]}; binds 127.0.0.1 and
 * prints {@code echo-server listening on 127.0.0.1:<port>} once every instance listens.
 */
public final class EchoServer extends VerticleBase {

  static final Buffer REPLY = Buffer.buffer("{\"model_name\":\"echo\",\"model_version\":\"1\","
      + "\"id\":\"1\",\"outputs\":[{\"name\":\"output\",\"datatype\":\"FP32\",\"shape\":[1,4],"
      + "\"data\":[0.25,0.25,0.25,0.25]}]}");
  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  static final CharSequence ROWS = HttpHeaders.createOptimized("Bench-Rows");
  private static final String MODELS = "/v2/models/";
  private static final String INFER = "/infer";

  private final int port;
  private final Map<String, OrtSession> sessions;
  /** This instance's calls, by model and {@code Bench-Rows}, made at their first request. */
  private final Map<String, Map<String, OrtBench.Call.Tensors>> calls = new HashMap<>();
  private HttpServer server;

  EchoServer(int port, Map<String, OrtSession> sessions) {
    this.port = port;
    this.sessions = sessions;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(request -> request.body().onComplete(body -> {
          if (body.failed()) {
            request.response().setStatusCode(400).end();
          } else if (!sessions.isEmpty() && !run(request)) {
            request.response().setStatusCode(404).end();
          } else {
            request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(REPLY);
          }
        }));
    return server.listen();
  }

  /**
   * Runs the model an infer path names; false when there is no such model. Other paths run
   * nothing.
   */
  private boolean run(HttpServerRequest request) {
    String path = request.path();
    if (!path.startsWith(MODELS) || !path.endsWith(INFER)) {
      return true;
    }
    String name = path.substring(MODELS.length(), path.length() - INFER.length());
    OrtSession session = sessions.get(name);
    if (session == null) {
      return false;
    }
    String rows = request.getHeader(ROWS);
    Map<String, OrtBench.Call.Tensors> byRows = calls.computeIfAbsent(name, any -> new HashMap<>());
    try {
      OrtBench.Call.Tensors call = byRows.get(rows);
      if (call == null) {
        call = OrtBench.call(OrtEnvironment.getEnvironment(), session, name,
            rows == null ? 1 : Integer.parseInt(rows), false).tensors();
        byRows.put(rows, call);
      }
      call.run();
    } catch (OrtException e) {
      throw new IllegalStateException(
          "the run of " + name + " on " + (rows == null ? "1" : rows) + " rows failed", e);
    }
    return true;
  }

  @Override
  public Future<?> stop() {
    calls.values().forEach(byRows -> byRows.values().forEach(OrtBench.Call.Tensors::close));
    return Future.succeededFuture();
  }

  public static void main(String[] args) throws OrtException {
    if (args.length < 1) {
      System.err.println("usage: EchoServer <port> [instances] [<name>=<model.onnx> ...]");
      System.exit(2);
    }
    if (System.getProperty("io.netty.allocator.type") == null) {
      System.setProperty("io.netty.allocator.type", "pooled");
    }
    int port = Integer.parseInt(args[0]);
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Map<String, OrtSession> sessions = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      String[] model = args[i].split("=", 2);
      sessions.put(model[0], OrtBench.open(OrtEnvironment.getEnvironment(), model[0], model[1]));
    }
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new EchoServer(port, sessions),
            new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("echo-server listening on 127.0.0.1:" + port
            + " with " + instances + " instances"))
        .onFailure(failure -> {
          System.err.println("echo-server failed to start: " + failure);
          System.exit(1);
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // exiting anyway
      }
    }));
  }
}
