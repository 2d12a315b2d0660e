package dev.sluice.engine.cluster.rpc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single "main thread" of an RPC endpoint (JobManager, TaskManager) and helpers around it.
 * Endpoint state is confined to that thread, so endpoints need no locks, and a gateway call
 * never re-enters the caller's lock.
 *
 * <p>Timeouts run on the endpoint's own scheduler rather than {@code CompletableFuture.orTimeout},
 * whose JDK-wide daemon thread would outlive the cluster.
 */
public final class EndpointExecutors {

  private static final Logger LOG = LoggerFactory.getLogger(EndpointExecutors.class);

  private EndpointExecutors() {}

  /** A one-thread scheduler whose thread is called {@code name}; cancelled timers are dropped at once. */
  public static ScheduledExecutorService newMainThread(String name) {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    return executor;
  }

  /** Runs {@code call} on {@code executor}; a call after shutdown fails the future instead of throwing. */
  public static <T> CompletableFuture<T> callAsync(ScheduledExecutorService executor, Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          call.get().whenComplete((v, e) -> {
            if (e != null) {
              result.completeExceptionally(e);
            } else {
              result.complete(v);
            }
          });
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("Endpoint is shut down", e));
    }
    return result;
  }

  /** {@code future}, or {@code fallback} if it has not completed within {@code timeout}. */
  public static <T> CompletableFuture<T> completeOnTimeout(
      CompletableFuture<T> future, T fallback, Duration timeout, ScheduledExecutorService scheduler) {
    CompletableFuture<T> result = new CompletableFuture<>();
    ScheduledFuture<?> timer;
    try {
      timer = scheduler.schedule(() -> result.complete(fallback), timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return future;
    }
    future.whenComplete((v, e) -> {
      timer.cancel(false);
      if (e != null) {
        result.completeExceptionally(e);
      } else {
        result.complete(v);
      }
    });
    return result;
  }

  /** Shuts {@code executor} down and waits up to {@code timeout} for its thread to end. */
  public static void shutdownAndAwait(ScheduledExecutorService executor, String name, Duration timeout) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} did not stop within {}; interrupting it", name, timeout);
        executor.shutdownNow();
        executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
