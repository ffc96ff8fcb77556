package io.inferencegateway.model;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The requests a gateway node has sent to each node of its cluster and not yet seen answered.
 * The event bus waits for an answer from a node that has died until the request's deadline; the
 * cluster's membership knows sooner, and {@link #left} fails those requests at once.
 */
public final class NodeCalls {

  private static final String LOST =
      "the worker running the model left the cluster before answering";

  private final ConcurrentMap<String, Set<Promise<?>>> calls = new ConcurrentHashMap<>();

  /**
   * The answer to a request sent to {@code node}, failed early should the node leave. Called on
   * the caller's context, which the answer is delivered on even when the membership thread fails
   * it, as the HTTP front expects of every answer.
   */
  public <R> Future<R> track(String node, Future<R> sent) {
    Set<Promise<?>> pending = calls.computeIfAbsent(node, key -> ConcurrentHashMap.newKeySet());
    Context context = Vertx.currentContext();
    Promise<R> answer =
        context == null ? Promise.promise() : ((ContextInternal) context).promise();
    pending.add(answer);
    sent.onComplete(answer::tryComplete, answer::tryFail);
    return answer.future().andThen(done -> pending.remove(answer));
  }

  /** The node has left the cluster: what it was still answering fails now. */
  public void left(String node) {
    Set<Promise<?>> pending = calls.remove(node);
    if (pending == null) {
      return;
    }
    for (Promise<?> answer : pending) {
      answer.tryFail(lost());
    }
  }

  /** The failure of a request whose node left before answering. */
  public static RequestFailure lost() {
    return new RequestFailure(RequestFailure.Kind.NOT_READY, LOST);
  }

  public static boolean isLost(Throwable failure) {
    return failure instanceof RequestFailure known && LOST.equals(known.getMessage());
  }
}
