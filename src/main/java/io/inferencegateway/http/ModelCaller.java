package io.inferencegateway.http;

import io.inferencegateway.config.InferenceConfig;
import io.inferencegateway.metrics.GatewayMetrics;
import io.inferencegateway.metrics.ModelMetrics;
import io.inferencegateway.metrics.Outcome;
import io.inferencegateway.model.Answer;
import io.inferencegateway.model.Cancellation;
import io.inferencegateway.model.ModelRequest;
import io.inferencegateway.model.ModelScheduler;
import io.inferencegateway.model.NodeCalls;
import io.inferencegateway.model.Replica;
import io.inferencegateway.model.RequestFailure;
import io.inferencegateway.model.ServedModel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends admitted requests to model workers, waiting no longer than the request's deadline: to a
 * deployment of this process directly, to other nodes' over the event bus; counts how each
 * request ended. One per HTTP verticle instance, used on its event loop.
 */
final class ModelCaller {

  private static final Logger LOG = LoggerFactory.getLogger(ModelCaller.class);
  private static final CharSequence REQUEST_TIMEOUT =
      HttpHeaders.createOptimized("Request-Timeout-Ms");

  private final Vertx vertx;
  private final ContextInternal context;
  private final GatewayMetrics metrics;
  private final long timeoutNanos;
  private final NodeCalls nodeCalls;
  private final Connections connections;

  /**
   * {@code context}: the HTTP verticle's, where answers are taken; {@code nodeCalls} tracks
   * requests to other nodes of a cluster, null when standalone; {@code connections}: that
   * verticle's, which tell whether a request is alone on its event loop.
   */
  ModelCaller(Vertx vertx, Context context, GatewayMetrics metrics, InferenceConfig config,
      NodeCalls nodeCalls, Connections connections) {
    this.vertx = vertx;
    this.context = (ContextInternal) context;
    this.metrics = metrics;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.timeoutMs());
    this.nodeCalls = nodeCalls;
    this.connections = connections;
  }

  /**
   * When the request's answer is due: the configured timeout after its arrival, lowered (never
   * raised) by a {@code Request-Timeout-Ms} header or the protocol's {@code timeout} parameter
   * (microseconds, as Triton takes it).
   */
  long deadlineNanos(Exchange exchange, JsonObject parameters) {
    long timeout = timeoutNanos;
    String header = exchange.request.getHeader(REQUEST_TIMEOUT);
    if (header != null) {
      timeout = Math.min(timeout, TimeUnit.MILLISECONDS.toNanos(positive(header.trim(),
          REQUEST_TIMEOUT + " must be a positive number of milliseconds")));
    }
    Object parameter = parameters == null ? null : parameters.getValue("timeout");
    if (parameter != null) {
      if (!(parameter instanceof Integer || parameter instanceof Long)) {
        throw RequestFailure.badRequest(
            "parameter 'timeout' must be a positive number of microseconds");
      }
      timeout = Math.min(timeout, TimeUnit.MICROSECONDS.toNanos(positive(parameter.toString(),
          "parameter 'timeout' must be a positive number of microseconds")));
    }
    return exchange.arrivalNanos + timeout;
  }

  /**
   * Sends a request to a replica of a model, at the {@code address} of the replica the model
   * routes it to; the future fails with a {@link RequestFailure}. The event-bus
   * hop gets what is left of the deadline, so a late answer is a timeout whatever the hop took.
   * Whenever the answer is no longer wanted (the deadline passed, the client went away), the
   * request is cancelled, and the model drops it unless it has started. On a gateway node, a
   * request whose replica's node left the cluster, or had stopped consuming, before answering
   * is sent once more to another node: inference has no side effects to repeat.
   */
  <R> Future<R> call(Exchange exchange, ServedModel model, Function<Replica, String> address,
      ModelRequest request) {
    Cancellation cancellation = request.cancellation();
    // A connection closed from now on, or already, is a client that has gone.
    exchange.cancellation = cancellation;
    if (exchange.ended) {
      cancellation.cancel();
    }
    // One step for the failure's kind and the count, whichever way the request ended.
    return this.<R>send(model, address, request, null).transform(done -> {
      ModelMetrics meters = metrics.model(model.name(), model.version());
      if (done.succeeded()) {
        meters.request(cancellation.isCancelled() ? Outcome.CANCELLED : Outcome.SUCCESS);
        return Future.succeededFuture(done.result());
      }
      Throwable failure = done.cause();
      RequestFailure known = RequestFailure.of(failure, model.name());
      if (known.kind() == RequestFailure.Kind.INTERNAL && failure != known) {
        // The client is told only "internal error"; the log keeps what happened. A model's
        // worker has logged its own failures' stacks.
        LOG.error("Request {} to model {} failed: {}", request.requestId(), model.name(),
            failure.toString(), failure instanceof ReplyException ? null : failure);
      }
      if (known.kind() == RequestFailure.Kind.TIMED_OUT) {
        cancellation.cancel();
      }
      meters.request(ErrorReplies.outcomeOf(known.kind()));
      return Future.failedFuture(known);
    });
  }

  /** Sends to the replica the model routes to; {@code lost}, when retrying, the node that left. */
  private <R> Future<R> send(ServedModel model, Function<Replica, String> address,
      ModelRequest request, String lost) {
    ModelScheduler local = model.scheduler();
    if (local != null) {
      return handOver(local, model, request);
    }
    Replica replica;
    try {
      replica = model.route();
    } catch (RequestFailure e) {
      return Future.failedFuture(e);
    }
    if (lost != null && lost.equals(replica.node())) {
      return Future.failedFuture(NodeCalls.lost());
    }
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(leftMillis(request));
    if (nodeCalls != null) {
      cancelRemotely(replica, request, options);
    }
    Future<R> sent = vertx.eventBus()
        .<R>request(address.apply(replica), request, options)
        .map(Message::body);
    if (nodeCalls == null) {
      return sent;
    }
    return nodeCalls.track(replica.node(), sent).recover(failure -> lost == null
        && (NodeCalls.isLost(failure) || failure instanceof ReplyException reply
            && reply.failureType() == ReplyFailure.NO_HANDLERS)
        ? send(model, address, request, replica.node())
        : Future.failedFuture(failure));
  }

  /**
   * Hands a request to a deployment of this process, without the event bus and its two hops
   * between threads. A short request runs on this event loop, at once or in this turn, as does a
   * longer one alone on this loop while the model is idle; one that waits in the queue gets what
   * is left of its deadline.
   */
  private <R> Future<R> handOver(ModelScheduler scheduler, ServedModel model,
      ModelRequest request) {
    Promise<R> promise = context.promise();
    boolean queued = scheduler.submit(request, new Answer() {
      @Override
      @SuppressWarnings("unchecked")
      public void send(Object result) {
        promise.tryComplete((R) result);
      }

      @Override
      public void fail(RequestFailure failure) {
        promise.tryFail(failure);
      }
    }, connections.alone());
    Future<R> answer = promise.future();
    if (queued) {
      long timer = vertx.setTimer(leftMillis(request),
          late -> promise.tryFail(RequestFailure.late(model.name())));
      answer.onComplete(done -> vertx.cancelTimer(timer));
    }
    return answer;
  }

  /**
   * The request's cancellation does not cross to another node with it: it is named by an id,
   * and cancelling it sends that id to the replica, which drops the work unless it has started.
   */
  private void cancelRemotely(Replica replica, ModelRequest request, DeliveryOptions options) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String id = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    options.addHeader(Replica.CANCEL_ID, id);
    request.cancellation().onCancel(() -> vertx.eventBus().send(replica.cancelAddress(), id));
  }

  /** Counts and answers a request refused before it reached the model. */
  void refuse(Exchange exchange, ServedModel model, RequestFailure failure) {
    metrics.model(model.name(), model.version()).request(ErrorReplies.outcomeOf(failure.kind()));
    ErrorReplies.send(exchange, failure);
  }

  /** What is left of the request's deadline, at least a millisecond. */
  private static long leftMillis(ModelRequest request) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(request.deadlineNanos() - System.nanoTime()));
  }

  private static long positive(String text, String rule) {
    try {
      long value = Long.parseLong(text);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw RequestFailure.badRequest(rule + ", got \"" + text + "\"");
  }
}
