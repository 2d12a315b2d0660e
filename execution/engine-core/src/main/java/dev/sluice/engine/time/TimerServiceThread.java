package dev.sluice.engine.time;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One daemon thread that fires processing-time timers for all tasks of a TaskManager. A timer
 * action must only hand work to a task's mailbox: it runs on this shared thread, so it must be
 * short and never call operator code.
 *
 * <h3>Lifecycle</h3>
 * Created with the TaskEnvironment; {@link #close()} cancels pending timers and waits for the
 * thread to end, so no thread outlives the environment.
 */
public final class TimerServiceThread implements AutoCloseable {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final ScheduledThreadPoolExecutor executor;
  private final String name;

  public TimerServiceThread() {
    name = "sluice-timer-" + COUNTER.incrementAndGet();
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    // Cancelled timers (e.g. of finished tasks) must not pile up in the queue.
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
  }

  /** Runs {@code action} on the timer thread after {@code delayMillis} (0 if negative). */
  public ScheduledFuture<?> schedule(Runnable action, long delayMillis) {
    return executor.schedule(action, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code action} every {@code periodMillis}, first after one period. */
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable action, long periodMillis) {
    return executor.scheduleAtFixedRate(action, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** The name of the timer thread (for diagnostics and leak checks). */
  public String threadName() {
    return name;
  }

  public boolean isShutdown() {
    return executor.isShutdown();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("Timer thread did not stop within 10 s; a timer action is probably blocked");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
