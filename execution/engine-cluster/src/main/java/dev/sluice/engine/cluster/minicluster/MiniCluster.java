package dev.sluice.engine.cluster.minicluster;

import dev.sluice.engine.cluster.client.JobClient;
import dev.sluice.engine.cluster.jobmanager.JobManager;
import dev.sluice.engine.cluster.rpc.TaskManagerId;
import dev.sluice.engine.cluster.taskmanager.EngineTaskFactory;
import dev.sluice.engine.cluster.taskmanager.TaskFactory;
import dev.sluice.engine.cluster.taskmanager.TaskManager;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.network.LocalShuffleEnvironment;
import dev.sluice.engine.task.TaskEnvironment;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JobManager and N TaskManagers in this JVM, talking through the same gateway interfaces
 * the multi-process cluster uses.
 *
 * <h3>Threading model</h3>
 * Thread-safe: lifecycle methods are synchronized; {@link #submitJob} may be called from any
 * thread. The cluster owns one thread per endpoint ({@code sluice-jobmanager},
 * {@code sluice-taskmanager-<id>}) plus one thread per running task.
 *
 * <h3>Lifecycle</h3>
 * {@code new} -> {@link #start()} -> any number of {@link #submitJob} -> {@link #close()}
 * (cancels running jobs, waits for their tasks, stops every thread the cluster started and
 * deletes its temporary directory). A closed cluster cannot be restarted.
 */
public final class MiniCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MiniCluster.class);

  /** Creates the task factory of one TaskManager, given its temporary directory. */
  @FunctionalInterface
  interface TaskFactoryProvider {
    TaskFactory create(File taskManagerTempDirectory, ClassLoader userClassLoader);
  }

  private enum State { NEW, STARTED, CLOSED }

  private final MiniClusterConfiguration configuration;
  private final TaskFactoryProvider taskFactories;
  /** The data plane shared by all TaskManagers: local channels connect tasks of different TaskManagers. */
  private final LocalShuffleEnvironment shuffle;
  /** Guarded by this. */
  private State state = State.NEW;
  private Path tempDirectory;
  private JobManager jobManager;
  private final List<TaskManager> taskManagers = new ArrayList<>();

  public MiniCluster(MiniClusterConfiguration configuration) {
    this.configuration = configuration;
    this.shuffle = new LocalShuffleEnvironment(
        configuration.shuffleBufferSizeBytes(), configuration.shuffleBuffersPerPartition());
    this.taskFactories = (dir, loader) -> new EngineTaskFactory(new TaskEnvironment(loader, dir, shuffle));
  }

  /** For tests of the control plane with fake tasks. */
  MiniCluster(MiniClusterConfiguration configuration, TaskFactoryProvider taskFactories) {
    this.configuration = configuration;
    this.shuffle = new LocalShuffleEnvironment(
        configuration.shuffleBufferSizeBytes(), configuration.shuffleBuffersPerPartition());
    this.taskFactories = taskFactories;
  }

  public MiniClusterConfiguration configuration() {
    return configuration;
  }

  /** Starts all endpoints; returns once every TaskManager offered its slots. */
  public synchronized void start() {
    if (state != State.NEW) {
      throw new IllegalStateException("Illegal state " + state + " while starting the mini cluster");
    }
    state = State.STARTED;
    try {
      tempDirectory = Files.createTempDirectory("sluice-minicluster-");
      jobManager = new JobManager(configuration.accumulatorTimeout(), this::releaseJob);
      ClassLoader userClassLoader = userClassLoader();
      List<CompletableFuture<Void>> registered = new ArrayList<>();
      for (int i = 0; i < configuration.numTaskManagers(); i++) {
        File dir = tempDirectory.resolve("taskmanager-" + i).toFile();
        if (!dir.mkdirs()) {
          throw new IOException("Could not create " + dir);
        }
        TaskManager tm = new TaskManager(new TaskManagerId("tm-" + i), configuration.slotsPerTaskManager(), jobManager,
            taskFactories.create(dir, userClassLoader), configuration.heartbeatInterval(),
            configuration.taskCancellationTimeout());
        taskManagers.add(tm);
        registered.add(tm.start());
      }
      CompletableFuture.allOf(registered.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      LOG.info("Mini cluster started: {} task managers with {} slots each, temp directory {}",
          configuration.numTaskManagers(), configuration.slotsPerTaskManager(), tempDirectory);
    } catch (IOException | ExecutionException | TimeoutException e) {
      closeQuietly();
      throw new IllegalStateException("Could not start the mini cluster: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly();
      throw new IllegalStateException("Interrupted while starting the mini cluster", e);
    }
  }

  /** Submits a job; it starts running asynchronously. */
  public JobClient submitJob(JobGraph jobGraph) {
    JobManager jm;
    synchronized (this) {
      if (state != State.STARTED) {
        throw new IllegalStateException("Illegal state " + state + " while submitting job " + jobGraph.name()
            + " to the mini cluster; call start() first");
      }
      jm = jobManager;
    }
    return jm.submitJob(jobGraph, userClassLoader());
  }

  /** Cancels every running job; completes once all of them ended (their tasks stopped). */
  public CompletableFuture<Void> cancelAllJobs() {
    JobManager jm;
    synchronized (this) {
      if (state != State.STARTED) {
        return CompletableFuture.completedFuture(null);
      }
      jm = jobManager;
    }
    return jm.cancelAllJobs();
  }

  /** The cluster's temporary directory (TaskManager spill directories live under it). */
  public synchronized Path tempDirectory() {
    return tempDirectory;
  }

  @Override
  public synchronized void close() {
    if (state != State.STARTED) {
      if (state == State.NEW) {
        shuffle.close();
      }
      state = State.CLOSED;
      return;
    }
    state = State.CLOSED;
    try {
      jobManager.cancelAllJobs().get(configuration.taskCancellationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Not all jobs ended within {} while closing the mini cluster", configuration.taskCancellationTimeout(), e);
    }
    closeQuietly();
    LOG.info("Mini cluster stopped");
  }

  private void closeQuietly() {
    for (TaskManager tm : taskManagers) {
      try {
        tm.close();
      } catch (RuntimeException e) {
        LOG.warn("Could not close task manager {}", tm.id(), e);
      }
    }
    taskManagers.clear();
    if (jobManager != null) {
      jobManager.close();
    }
    shuffle.close();
    deleteRecursively(tempDirectory);
  }

  /** JobManager main thread, once all tasks of the job are terminal. */
  private void releaseJob(JobId jobId) {
    shuffle.releaseJob(jobId);
  }

  private static ClassLoader userClassLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : MiniCluster.class.getClassLoader();
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // Leaving a temp directory behind is harmless for correctness.
      LOG.warn("Could not delete the mini cluster's temp directory {}", dir, e);
    }
  }
}
