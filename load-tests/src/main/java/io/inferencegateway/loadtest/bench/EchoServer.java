package io.inferencegateway.loadtest.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP ceiling of the benchmark: a minimal Vert.x server that reads each request's body and
 * answers a fixed small JSON (shaped like an infer reply), with as many event-loop instances as
 * the gateway's {@code http.instances} (the number of cores by default) and Netty's pooled buffer
 * allocator, as the gateway sets it. Whatever the gateway does on top of this costs throughput.
 *
 * <p>Usage: {@code EchoServer <port> [instances]}; binds 127.0.0.1 and prints
 * {@code echo-server listening on 127.0.0.1:<port>} once every instance listens.
 */
public final class EchoServer extends VerticleBase {

  static final Buffer REPLY = Buffer.buffer("{\"model_name\":\"echo\",\"model_version\":\"1\","
      + "\"id\":\"1\",\"outputs\":[{\"name\":\"output\",\"datatype\":\"FP32\",\"shape\":[1,4],"
      + "\"data\":[0.25,0.25,0.25,0.25]}]}");
  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private final int port;
  private HttpServer server;

  EchoServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(request -> request.body().onComplete(body -> {
          if (body.failed()) {
            request.response().setStatusCode(400).end();
          } else {
            request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(REPLY);
          }
        }));
    return server.listen();
  }

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: EchoServer <port> [instances]");
      System.exit(2);
    }
    if (System.getProperty("io.netty.allocator.type") == null) {
      System.setProperty("io.netty.allocator.type", "pooled");
    }
    int port = Integer.parseInt(args[0]);
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new EchoServer(port), new DeploymentOptions().setInstances(instances))
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
