package dev.sluice.engine.task;

import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.time.TimerServiceThread;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task's processing time: timers are kept by the TaskManager's shared
 * {@link TimerServiceThread}, which only puts a mail into the task's mailbox when a timer is
 * due; the callback itself runs on the task thread.
 *
 * <h3>Lifecycle</h3>
 * {@link #shutdown()} at task end cancels all pending timers; timers registered later are
 * ignored, and mail that was already queued is dropped with the mailbox.
 */
final class TaskProcessingTimeService implements ProcessingTimeService {

  private final TimerServiceThread timerThread;
  private final TaskMailbox mailbox;
  private final Set<Timer> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean shutdown;
  /** Runs on the task thread after each timer callback; null: nothing. */
  private TaskMailbox.ThrowingRunnable afterTimer;

  TaskProcessingTimeService(TimerServiceThread timerThread, TaskMailbox mailbox) {
    this.timerThread = timerThread;
    this.mailbox = mailbox;
  }

  @Override
  public long currentTime() {
    return System.currentTimeMillis();
  }

  @Override
  public Cancellable registerTimer(long time, ProcessingTimeCallback callback) {
    if (shutdown) {
      return () -> {};
    }
    Timer timer = new Timer(time, callback);
    pending.add(timer);
    timer.future = timerThread.schedule(timer::fire, time - currentTime());
    return timer;
  }

  /**
   * Runs {@code action} after every timer callback. The task flushes its outputs there: what a
   * processing-time timer emits (a trigger firing, a bundle closed on time) then reaches the next
   * task at once, not on the next periodic flush. Timers are few next to records, so this costs
   * little. Call before the task starts.
   */
  void setAfterTimer(TaskMailbox.ThrowingRunnable action) {
    this.afterTimer = action;
  }

  /**
   * Puts {@code action} into the mailbox every {@code periodMillis}; at most one such mail is
   * queued at a time, so a busy task does not accumulate them.
   */
  void schedulePeriodic(long periodMillis, TaskMailbox.ThrowingRunnable action, String description) {
    AtomicBoolean queued = new AtomicBoolean();
    Timer timer = new Timer(0, t -> {});
    pending.add(timer);
    timer.future = timerThread.scheduleAtFixedRate(() -> {
      if (shutdown || !queued.compareAndSet(false, true)) {
        return;
      }
      try {
        mailbox.put(new TaskMailbox.Mail(() -> {
          queued.set(false);
          action.run();
        }, description));
      } catch (RejectedExecutionException e) {
        // The task ended between the check and the put: nothing to flush any more.
      }
    }, periodMillis);
  }

  void shutdown() {
    shutdown = true;
    for (Timer t : pending) {
      t.cancel();
    }
    pending.clear();
  }

  private final class Timer implements Cancellable {
    private final long time;
    private final ProcessingTimeCallback callback;
    private volatile ScheduledFuture<?> future;
    private volatile boolean cancelled;

    Timer(long time, ProcessingTimeCallback callback) {
      this.time = time;
      this.callback = callback;
    }

    /** Timer thread: hand the callback to the task thread. */
    void fire() {
      if (cancelled || shutdown) {
        return;
      }
      try {
        mailbox.put(new TaskMailbox.Mail(() -> {
          pending.remove(this);
          if (!cancelled && !shutdown) {
            callback.onProcessingTime(time);
            if (afterTimer != null) {
              afterTimer.run();
            }
          }
        }, "processing-time timer @" + time));
      } catch (RejectedExecutionException e) {
        // The task ended: timers still pending at task end are dropped (ProcessingTimeService contract).
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      pending.remove(this);
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
    }
  }
}
