package io.inferencegateway.model;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's queue and the worker instances that serve it. An accepted request holds a queue
 * slot until its work has run or has been dropped; a request whose client has gone, or whose
 * deadline has passed, is dropped before it starts and never run. Work arriving wakes an idle
 * worker; a worker that finishes takes the next work itself. With batching on, a worker takes the
 * oldest request together with every queued request that can join it, up to the batch limit. A
 * short request from the HTTP front of this process runs on the event loop that took it, as do
 * one from the event bus when the model is idle and a longer one alone on its HTTP event loop
 * while the model is idle: at once, or, with batching on, together with the other short requests
 * that loop took from the same batch of ready connections.
 */
public final class ModelScheduler {

  /** Longest expected run taken on the accepting event loop; a few times an ORT call's overhead. */
  private static final long INLINE_NANOS = 50_000;
  /**
   * Longest expected run taken on the accepting event loop for a request alone there, when the
   * model is idle: the hand-off to a worker and back costs tens of µs, a few % of such a run.
   */
  private static final long ALONE_INLINE_NANOS = 1_000_000;
  private static final Logger LOG = LoggerFactory.getLogger(ModelScheduler.class);

  /** When a short request may run on the event loop that accepted it. */
  private enum Inline {
    NEVER,
    /** When nothing is queued or running: the queue verticle's one loop must not serve all. */
    WHEN_IDLE,
    /**
     * Whatever else runs: the HTTP front has an event loop per core, so requests run on every
     * core as connections spread over the loops, and a hand-off would cost more than the run.
     */
    ALWAYS,
    /**
     * As {@link #ALWAYS}, for a request alone on its event loop: a longer one also runs there when
     * the model is idle, since no other request on that loop is waiting as it starts.
     */
    ALONE
  }

  /** A worker instance; {@link #wake()} makes it ask for work on its own thread. */
  public interface Worker {
    void wake();
  }

  /**
   * An accepted request, where its answer goes, and the id a gateway node on another node cancels
   * it by (null for a request from this process).
   */
  public record Work(ModelRequest request, Answer answer, String cancelId) {
  }

  private final Vertx vertx;
  private final ModelRuntime runtime;
  private final QueueSlots slots;
  private final String model;
  /** The deployment's key: its queue places are counted under it. */
  private final String key;
  private final ArrayDeque<Work> queue = new ArrayDeque<>();
  private final ArrayDeque<Worker> idle = new ArrayDeque<>();
  /** The cancellations of accepted requests from gateway nodes, by their cancel ids. */
  private final Map<String, Cancellation> remote = new ConcurrentHashMap<>();
  /** Per event loop: the short requests it has taken in this turn and not yet run. */
  private final ThreadLocal<List<Work>> gathered = ThreadLocal.withInitial(ArrayList::new);
  private final boolean inCluster;
  private int workers;
  private boolean delayTimerSet;

  public ModelScheduler(Vertx vertx, ServedModel served, QueueSlots slots) {
    ModelRuntime runtime = served.runtime();
    String key = served.key();
    this.vertx = vertx;
    this.runtime = runtime;
    this.slots = slots;
    this.model = runtime.config().name();
    this.key = key;
    this.inCluster = served.inCluster();
  }

  /** Accepts a request that came over the event bus; see {@link #submit}. */
  void accept(Message<? extends ModelRequest> message, boolean loopIdle) {
    // Only a cluster's messages carry headers; asking a local one would allocate them.
    String cancelId = inCluster ? message.headers().get(Replica.CANCEL_ID) : null;
    submit(message.body(), Answer.over(message), cancelId,
        loopIdle ? Inline.WHEN_IDLE : Inline.NEVER);
  }

  /**
   * Accepts a request into the queue, or refuses it at once when it cannot be served; a request
   * from an event loop of this process's HTTP front, which {@code answer} goes back to. A short
   * one runs right there, before this returns, or with batching on once the loop has handled the
   * I/O it found ready; so does a longer one {@code alone} on its loop while the model is idle.
   * True when the request has been queued for a worker: only then may its answer be long in
   * coming.
   */
  public boolean submit(ModelRequest request, Answer answer, boolean alone) {
    return submit(request, answer, null, alone ? Inline.ALONE : Inline.ALWAYS);
  }

  private boolean submit(ModelRequest request, Answer answer, String cancelId, Inline when) {
    try {
      runtime.check(request);
    } catch (RequestFailure e) {
      answer.fail(e);
      return false;
    } catch (RuntimeException e) {
      LOG.error("Model {} failed to check request {}", model, request.requestId(), e);
      answer.fail(RequestFailure.unforeseen());
      return false;
    }
    if (!slots.tryAcquire(key)) {
      answer.fail(new RequestFailure(RequestFailure.Kind.OVERLOADED, "model '" + model
          + "' is overloaded: " + slots.limit() + " requests are already waiting; retry later"));
      return false;
    }
    Work work = new Work(request, answer, cancelId);
    if (cancelId != null) {
      remote.put(cancelId, request.cancellation());
    }
    Worker woken = null;
    boolean inline;
    synchronized (this) {
      inline = runsInline(request, when);
      if (!inline) {
        queue.add(work);
        woken = idle.poll();
      }
    }
    if (inline) {
      if ((when == Inline.ALWAYS || when == Inline.ALONE) && runtime.maxBatchRows() > 1) {
        gather(work);
      } else {
        serve(work);
      }
      return false;
    }
    request.cancellation().onCancel(() -> withdraw(work));
    if (woken != null) {
      woken.wake();
    }
    return true;
  }

  /**
   * Whether to run a request here, on the event loop that accepted it, rather than hand it to a
   * worker: when the request should take less than {@link #INLINE_NANOS} alone, the hand-off to a
   * worker thread would cost more than the run; when it should take less than
   * {@link #ALONE_INLINE_NANOS} and nothing else waits, neither on the loop nor for the model, the
   * hand-off would only add its cost. Holds the lock.
   */
  private boolean runsInline(ModelRequest request, Inline when) {
    if (when == Inline.NEVER || !(request instanceof InferRequest infer) || workers == 0) {
      return false;
    }
    boolean modelIdle = queue.isEmpty() && idle.size() == workers;
    if (when == Inline.WHEN_IDLE && !modelIdle) {
      return false;
    }
    long expected = runtime.expectedRunNanos(infer);
    return expected > 0 && (expected < INLINE_NANOS
        || when == Inline.ALONE && modelIdle && expected < ALONE_INLINE_NANOS);
  }

  /**
   * Keeps a short request until its event loop has read every request that was ready, then runs
   * it with those it can join. Requests that arrive together on a loop are what is "already
   * waiting" for a batch with no queue delay: joining them costs no wait, and one run of a small
   * model for several requests costs little more than a run for one.
   */
  private void gather(Work work) {
    List<Work> turn = gathered.get();
    turn.add(work);
    if (turn.size() == 1) {
      // An event loop runs its tasks once it has handled the I/O it found ready.
      Vertx.currentContext().runOnContext(readAll -> runGathered(turn));
    }
  }

  private void runGathered(List<Work> turn) {
    // Answering may start the next request of a connection, which joins the next turn.
    List<Work> taken = new ArrayList<>(turn);
    turn.clear();
    List<Work> dropped = new ArrayList<>(0);
    moveDead(taken, dropped);
    dropped.forEach(this::expire);
    while (!taken.isEmpty()) {
      List<Work> batch = new ArrayList<>();
      joinable(taken.get(0), taken, runtime.maxBatchRows(), batch);
      taken.removeAll(batch);
      if (batch.size() == 1) {
        serve(batch.get(0));
      } else {
        serveBatch(batch);
      }
    }
  }

  /** One run for the batch; when it fails, each request runs alone, so only a culprit fails. */
  void serveBatch(List<Work> batch) {
    List<InferResult> results;
    try {
      results = runtime.serveBatch(batch.stream()
          .map(work -> (InferRequest) work.request()).toList());
    } catch (Throwable e) {
      LOG.debug("Model {}: a batch of {} failed, running its requests one by one: {}",
          model, batch.size(), e.getMessage());
      batch.forEach(this::serve);
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      // The place is free before the answer leaves: the client's next request may follow it.
      done(batch.get(i));
      batch.get(i).answer().send(results.get(i));
    }
  }

  /** Runs one request and answers it; its place is free before the answer leaves. */
  void serve(Work work) {
    Object result;
    try {
      result = runtime.serve(work.request());
    } catch (RequestFailure e) {
      done(work);
      work.answer().fail(e);
      return;
    } catch (Throwable e) {
      // Whatever went wrong, the request is answered and its place freed: nobody waits for a
      // timeout, and no place leaks.
      LOG.error("Model {} failed request {}", model, work.request().requestId(), e);
      done(work);
      work.answer().fail(RequestFailure.unforeseen());
      return;
    }
    // The client's next request may follow the answer at once.
    done(work);
    work.answer().send(result);
  }

  /** A worker ready for work; woken at once when some is waiting. */
  public void join(Worker worker) {
    synchronized (this) {
      workers++;
      idle.add(worker);
    }
    wakeIdle();
  }

  /**
   * The next work for {@code worker}: one request, or several to run as one batch. Null when there
   * is nothing to start now; the worker is then idle until woken.
   */
  public List<Work> next(Worker worker) {
    List<Work> dropped = new ArrayList<>(0);
    List<Work> batch;
    synchronized (this) {
      moveDead(queue, dropped);
      batch = queue.isEmpty() ? null : take();
      if (batch == null) {
        idle.add(worker);
      }
    }
    dropped.forEach(this::expire);
    return batch;
  }

  /** The work has been answered: its slot is free again. */
  public void done(Work work) {
    slots.release(key);
    if (work.cancelId() != null) {
      remote.remove(work.cancelId());
    }
  }

  /** A gateway node no longer wants the answer to the request it sent with {@code cancelId}. */
  void cancel(String cancelId) {
    Cancellation cancellation = remote.remove(cancelId);
    if (cancellation != null) {
      cancellation.cancel();
    }
  }

  /** Takes the head of the queue and, when batching, whatever may join it. Holds the lock. */
  private List<Work> take() {
    Work head = queue.peek();
    int limit = runtime.maxBatchRows();
    long rows = head.request() instanceof InferRequest infer && limit > 1
        ? TensorBatch.rows(infer) : 0;
    if (rows < 1 || rows >= limit) {
      return List.of(queue.poll());
    }
    List<Work> batch = new ArrayList<>();
    rows = joinable(head, queue, limit, batch);
    long waitNanos = runtime.maxQueueDelayNanos()
        - (System.nanoTime() - head.request().arrivalNanos());
    if (rows < limit && waitNanos > 0) {
      wakeLater(waitNanos);
      return null;
    }
    queue.removeAll(batch);
    return batch;
  }

  /**
   * Puts {@code head}, an inference, into {@code batch} with every one of {@code candidates} that
   * can join it, in order, up to {@code limit} rows; returns the rows. A head whose inputs share
   * no first dimension, or that alone reaches the limit, runs alone.
   */
  private static long joinable(Work head, Iterable<Work> candidates, int limit, List<Work> batch) {
    InferRequest first = (InferRequest) head.request();
    long rows = TensorBatch.rows(first);
    batch.add(head);
    if (rows < 1 || rows >= limit) {
      return rows;
    }
    for (Work work : candidates) {
      if (work != head && work.request() instanceof InferRequest other
          && TensorBatch.compatible(first, other)) {
        long more = TensorBatch.rows(other);
        if (more > 0 && rows + more <= limit) {
          rows += more;
          batch.add(work);
        }
      }
    }
    return rows;
  }

  /** Moves cancelled and expired work from {@code from} to {@code dropped}. */
  private static void moveDead(Iterable<Work> from, List<Work> dropped) {
    long now = System.nanoTime();
    for (Iterator<Work> it = from.iterator(); it.hasNext(); ) {
      Work work = it.next();
      if (isDead(work, now)) {
        it.remove();
        dropped.add(work);
      }
    }
  }

  /** Whether nobody waits for the work's answer any more, or its deadline has passed. */
  private static boolean isDead(Work work, long now) {
    return work.request().cancellation().isCancelled() || now - work.request().deadlineNanos() > 0;
  }

  /** Holds the lock. */
  private void wakeLater(long nanos) {
    if (delayTimerSet) {
      return;
    }
    delayTimerSet = true;
    vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)), id -> {
      synchronized (this) {
        delayTimerSet = false;
      }
      wakeIdle();
    });
  }

  private void wakeIdle() {
    Worker woken;
    synchronized (this) {
      woken = queue.isEmpty() ? null : idle.poll();
    }
    if (woken != null) {
      woken.wake();
    }
  }

  private void withdraw(Work work) {
    boolean removed;
    synchronized (this) {
      removed = queue.remove(work);
    }
    if (removed) {
      expire(work);
    }
  }

  /** Frees dropped work's place and answers it without running it. */
  private void expire(Work work) {
    done(work);
    boolean cancelled = work.request().cancellation().isCancelled();
    work.answer().fail(new RequestFailure(
        cancelled ? RequestFailure.Kind.CANCELLED : RequestFailure.Kind.TIMED_OUT,
        "model '" + model + "' dropped the request before starting it: "
            + (cancelled ? "nobody waits for the answer any more" : "its deadline has passed")));
  }
}
