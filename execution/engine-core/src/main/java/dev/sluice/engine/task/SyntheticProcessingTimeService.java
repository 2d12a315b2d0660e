package dev.sluice.engine.task;

import dev.sluice.engine.api.ProcessingTimeService;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * A task's processing time in a job on synthetic processing time
 * ({@link dev.sluice.engine.graph.JobConfig#PROCESSING_TIME_MODE}): a clock that starts at a
 * configured instant and moves only when the task {@link #advanceTo advances} it, which it does
 * when a processing-time barrier completed on its inputs (or its source emitted one). No wall
 * clock and no timer thread are involved, so what a job does is the same on every run and
 * takes no real time.
 *
 * <p>Timers fire in timestamp order (then in registration order) on the task thread, inside
 * {@link #advanceTo}, with the clock already at the new time; timers those callbacks register
 * at or before the new time fire in the same call. A timer registered for a time that has
 * already come fires from the mailbox, like a wall-clock timer with no delay left, never from
 * inside {@link #registerTimer}.
 *
 * <h3>Threading model</h3>
 * Task thread only (operators, and the task when it advances the clock).
 *
 * <h3>Lifecycle</h3>
 * {@link #shutdown()} at task end drops pending timers; later registrations are ignored.
 */
final class SyntheticProcessingTimeService implements ProcessingTimeService {

  private final TaskMailbox mailbox;
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private long now;
  private long sequence;
  private boolean shutdown;
  /** Inside {@link #advanceTo}: due timers join the queue being drained. */
  private boolean advancing;

  SyntheticProcessingTimeService(TaskMailbox mailbox, long start) {
    this.mailbox = mailbox;
    this.now = start;
  }

  @Override
  public long currentTime() {
    return now;
  }

  @Override
  public boolean synthetic() {
    return true;
  }

  @Override
  public Cancellable registerTimer(long time, ProcessingTimeCallback callback) {
    if (shutdown) {
      return () -> {};
    }
    Timer timer = new Timer(time, sequence++, callback);
    if (time <= now && !advancing) {
      try {
        mailbox.put(new TaskMailbox.Mail(timer::fire, "processing-time timer @" + time));
      } catch (RejectedExecutionException e) {
        // The task ended: timers still pending at task end are dropped (ProcessingTimeService contract).
      }
    } else {
      timers.add(timer);
    }
    return timer;
  }

  /**
   * Moves the clock to {@code time} (never back) and fires every timer due by then, in
   * timestamp order, before returning: the caller forwards the time downstream only after all
   * output of those timers.
   */
  void advanceTo(long time) throws Exception {
    if (time > now) {
      now = time;
    }
    advancing = true;
    try {
      Timer t;
      while (!shutdown && (t = timers.peek()) != null && t.time <= now) {
        timers.poll();
        t.fire();
      }
    } finally {
      advancing = false;
    }
  }

  /** The time of the earliest timer waiting for the clock, or {@code Long.MAX_VALUE} if none. */
  long nextTimerTime() {
    Timer t = timers.peek();
    return t == null ? Long.MAX_VALUE : t.time;
  }

  /** Number of timers waiting for the clock (tests). */
  int pendingTimers() {
    return timers.size();
  }

  void shutdown() {
    shutdown = true;
    timers.clear();
  }

  private final class Timer implements Cancellable, Comparable<Timer> {
    private final long time;
    private final long seq;
    private final ProcessingTimeCallback callback;
    private boolean cancelled;

    Timer(long time, long seq, ProcessingTimeCallback callback) {
      this.time = time;
      this.seq = seq;
      this.callback = callback;
    }

    void fire() throws Exception {
      if (!cancelled && !shutdown) {
        cancelled = true; // fires once
        callback.onProcessingTime(time);
      }
    }

    @Override
    public void cancel() {
      if (!cancelled) {
        cancelled = true;
        timers.remove(this);
      }
    }

    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
