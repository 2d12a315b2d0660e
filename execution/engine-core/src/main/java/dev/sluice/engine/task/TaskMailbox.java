package dev.sluice.engine.task;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue of actions ("mail") for one task thread, plus the one place that thread parks.
 *
 * <h3>Threading model</h3>
 * Any thread may {@link #put} mail or {@link #signal()}; only the task thread takes mail and
 * parks. {@link #hasMail} is volatile so the task thread's check between two records takes no
 * lock.
 *
 * <h3>Lifecycle</h3>
 * Open until {@link #close()}; later mail is rejected ({@link RejectedExecutionException}), and
 * mail still queued at close is dropped.
 */
public final class TaskMailbox {

  /** An action for the task thread, with a description for errors and logs. */
  public record Mail(ThrowingRunnable action, String description) {}

  /** Like {@link Runnable}, but may throw; what it throws fails the task. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Guarded by lock. */
  private final ArrayDeque<Mail> queue = new ArrayDeque<>();
  /** Guarded by lock: something the parked thread waits for may have happened. */
  private boolean signaled;
  /** Guarded by lock. */
  private boolean closed;
  /** Mirrors {@code !queue.isEmpty()} for lock-free checks on the task thread. */
  private volatile boolean hasMail;

  /** Any thread: queues an action for the task thread and wakes it. */
  public void put(Mail mail) {
    lock.lock();
    try {
      if (closed) {
        throw new RejectedExecutionException("Mailbox is closed; the task already ended. Dropped: " + mail.description());
      }
      queue.add(mail);
      hasMail = true;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Any thread: wakes the task thread if it is {@link #park() parked}, or makes its next park
   * return at once. Used when input data or a source's availability changed.
   */
  public void signal() {
    lock.lock();
    try {
      signaled = true;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Task thread: the next mail, or null. Lock-free when the mailbox is empty. */
  public Mail tryTake() {
    if (!hasMail) {
      return null;
    }
    lock.lock();
    try {
      Mail m = queue.poll();
      hasMail = !queue.isEmpty();
      return m;
    } finally {
      lock.unlock();
    }
  }

  /** Task thread: blocks until mail arrives or {@link #signal()} is called (since the last park). */
  public void park() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !signaled) {
        changed.await();
      }
      signaled = false;
    } finally {
      lock.unlock();
    }
  }

  /** Rejects further mail; returns how many queued mails were dropped. */
  public int close() {
    lock.lock();
    try {
      closed = true;
      int dropped = queue.size();
      queue.clear();
      hasMail = false;
      changed.signalAll();
      return dropped;
    } finally {
      lock.unlock();
    }
  }
}
