package io.inferencegateway.management;

import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.repository.ModelRepository;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model repository API, Triton's paths and bodies: {@code POST /v2/repository/index},
 * {@code POST /v2/repository/models/{name}/load} and {@code .../unload}. Every call needs
 * {@code Authorization: Bearer <token>} (401 without, 403 with a wrong one) and is logged with the
 * caller's address.
 */
final class RepositoryRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(RepositoryRoutes.class);
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final String BEARER = "Bearer ";
  private static final long BODY_LIMIT = 1 << 20;

  private final ModelRepository repository;
  private final byte[] tokenDigest;

  RepositoryRoutes(ModelRepository repository, String token) {
    this.repository = repository;
    this.tokenDigest = sha256(token);
  }

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    // Ahead of the body handler: an unauthorised caller's body is never read.
    PlatformHandler authorize = this::authorize;
    router.post("/v2/repository/index").handler(authorize).handler(body)
        .handler(this::index);
    router.post("/v2/repository/models/:name/load").handler(authorize).handler(body)
        .handler(ctx -> answer(ctx, parameters(ctx)
            .compose(parameters -> repository.load(ctx.pathParam("name"), config(parameters)))));
    router.post("/v2/repository/models/:name/unload").handler(authorize).handler(body)
        .handler(ctx -> answer(ctx, parameters(ctx)
            .compose(parameters -> repository.unload(ctx.pathParam("name")))));
  }

  /** The token is compared as a digest, in constant time, whatever its length. */
  private void authorize(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String caller = String.valueOf(ctx.request().remoteAddress());
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      LOG.warn("Repository call {} {} from {} refused: no bearer token", ctx.request().method(),
          ctx.request().path(), caller);
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      error(ctx, 401, "the repository API needs Authorization: Bearer <token>");
      return;
    }
    if (!MessageDigest.isEqual(tokenDigest, sha256(header.substring(BEARER.length()).trim()))) {
      LOG.warn("Repository call {} {} from {} refused: wrong token", ctx.request().method(),
          ctx.request().path(), caller);
      error(ctx, 403, "the token is not the repository API's");
      return;
    }
    LOG.info("Repository call {} {} from {}", ctx.request().method(), ctx.request().path(),
        caller);
    ctx.next();
  }

  private void index(RoutingContext ctx) {
    parameters(ctx).onComplete(read -> {
      if (read.failed()) {
        error(ctx, 400, read.cause().getMessage());
        return;
      }
      Object ready = read.result().getValue("ready");
      if (ready != null && !(ready instanceof Boolean)) {
        error(ctx, 400, "'ready' must be true or false, got " + ready);
        return;
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(repository.index(Boolean.TRUE.equals(ready)).toBuffer());
    });
  }

  /** The body as a JSON object: empty when there is none. */
  private static Future<JsonObject> parameters(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return Future.succeededFuture(new JsonObject());
    }
    try {
      return Future.succeededFuture(body.toJsonObject());
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(RequestFailure.badRequest("the body must be a JSON object"));
    }
  }

  /**
   * Triton's {@code parameters.config}: the model's configuration entry, as a JSON string or
   * object; its keys are laid over the model's current ones.
   */
  private static JsonObject config(JsonObject body) {
    Object parameters = body.getValue("parameters");
    if (parameters == null) {
      return null;
    }
    if (!(parameters instanceof JsonObject object)) {
      throw RequestFailure.badRequest("'parameters' must be an object");
    }
    Object config = object.getValue("config");
    if (config == null || config instanceof JsonObject) {
      return (JsonObject) config;
    }
    if (config instanceof String text) {
      try {
        return new JsonObject(text);
      } catch (DecodeException e) {
        throw RequestFailure.badRequest("parameters.config is not a JSON object");
      }
    }
    throw RequestFailure.badRequest("parameters.config must be a JSON object or its text");
  }

  private static void answer(RoutingContext ctx, Future<Void> done) {
    done.onComplete(result -> {
      if (result.succeeded()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end("{}");
      } else if (result.cause() instanceof RequestFailure failure) {
        error(ctx, failure.kind() == RequestFailure.Kind.NOT_FOUND ? 404 : 400,
            failure.getMessage());
      } else {
        LOG.error("Repository call {} {} failed", ctx.request().method(), ctx.request().path(),
            result.cause());
        error(ctx, 500, "internal error");
      }
    });
  }

  static void error(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(new JsonObject().put("error", message).toBuffer());
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
