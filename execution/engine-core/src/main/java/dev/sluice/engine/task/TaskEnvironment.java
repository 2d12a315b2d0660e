package dev.sluice.engine.task;

import dev.sluice.engine.network.LocalShuffleEnvironment;
import dev.sluice.engine.time.TimerServiceThread;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TaskManager's services a task uses. One per TaskManager, shared by its tasks: the user
 * class loader, the temp directory, the (JVM-wide) {@link LocalShuffleEnvironment}, and the one
 * {@link TimerServiceThread} behind all tasks' processing-time services.
 *
 * <h3>Threading model</h3>
 * Thread-safe.
 *
 * <h3>Lifecycle</h3>
 * Created by the TaskManager before its first task; {@link #close()} on TaskManager shutdown
 * cancels tasks still running, waits for their threads, and stops the timer thread: no thread
 * of this environment survives close. The shuffle environment is closed only if this
 * environment created it (2-argument constructor); a shared one belongs to its creator.
 */
public final class TaskEnvironment implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TaskEnvironment.class);
  private static final long CLOSE_TIMEOUT_MS = 10_000;

  private final ClassLoader userClassLoader;
  private final File tempDirectory;
  private final LocalShuffleEnvironment shuffle;
  private final boolean ownsShuffle;
  private final TimerServiceThread timerThread = new TimerServiceThread();
  private final Set<Task> runningTasks = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param shuffle the data plane shared by all TaskManagers of the JVM (not closed by this
   *     environment)
   */
  public TaskEnvironment(ClassLoader userClassLoader, File tempDirectory, LocalShuffleEnvironment shuffle) {
    this(userClassLoader, tempDirectory, shuffle, false);
  }

  /** With a private {@link LocalShuffleEnvironment} of default settings, closed with this environment. */
  public TaskEnvironment(ClassLoader userClassLoader, File tempDirectory) {
    this(userClassLoader, tempDirectory, new LocalShuffleEnvironment(), true);
  }

  private TaskEnvironment(ClassLoader userClassLoader, File tempDirectory, LocalShuffleEnvironment shuffle, boolean ownsShuffle) {
    this.userClassLoader = userClassLoader;
    this.tempDirectory = tempDirectory;
    this.shuffle = shuffle;
    this.ownsShuffle = ownsShuffle;
  }

  public ClassLoader userClassLoader() {
    return userClassLoader;
  }

  public File tempDirectory() {
    return tempDirectory;
  }

  public LocalShuffleEnvironment shuffle() {
    return shuffle;
  }

  TimerServiceThread timerThread() {
    return timerThread;
  }

  boolean isClosed() {
    return closed;
  }

  void taskStarted(Task task) {
    runningTasks.add(task);
  }

  void taskEnded(Task task) {
    runningTasks.remove(task);
  }

  /** Cancels remaining tasks, waits for their threads, stops the timer thread. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<Task> tasks = new ArrayList<>(runningTasks);
    if (!tasks.isEmpty()) {
      LOG.info("Canceling {} tasks still running at shutdown", tasks.size());
    }
    for (Task t : tasks) {
      t.cancel();
    }
    long deadline = System.currentTimeMillis() + CLOSE_TIMEOUT_MS;
    for (Task t : tasks) {
      try {
        if (!t.awaitTermination(Math.max(1, deadline - System.currentTimeMillis()))) {
          LOG.warn("Task {} did not stop within {} ms of shutdown; it is probably blocked in operator code", t.attemptId(), CLOSE_TIMEOUT_MS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    timerThread.close();
    if (ownsShuffle) {
      shuffle.close();
    }
  }
}
