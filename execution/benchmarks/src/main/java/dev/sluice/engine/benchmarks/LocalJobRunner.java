package dev.sluice.engine.benchmarks;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobVertex;
import dev.sluice.engine.network.LocalShuffleEnvironment;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.ExecutionState;
import dev.sluice.engine.task.Task;
import dev.sluice.engine.task.TaskDeploymentDescriptor;
import dev.sluice.engine.task.TaskEnvironment;
import dev.sluice.engine.task.TaskListener;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs every subtask of one {@link JobGraph} as a {@link Task} in this JVM, on a private
 * {@link LocalShuffleEnvironment} and {@link TaskEnvironment}: the real task runtime without a
 * cluster. Consumers are started before producers, as a scheduler may.
 *
 * <h3>Threading model</h3>
 * {@link #start}, {@link #awaitFinished} and {@link #close} are called by one (the benchmark)
 * thread; {@link #failure()} may be called from any thread; the listener runs on task threads.
 *
 * <h3>Lifecycle</h3>
 * {@code new} -> {@code start} -> ({@code awaitFinished})? -> {@code close} (cancels what still
 * runs, waits for the task threads, deletes the temp directory).
 */
final class LocalJobRunner implements AutoCloseable, TaskListener {

  private final LocalShuffleEnvironment shuffle = new LocalShuffleEnvironment();
  private final File tempDirectory;
  private final TaskEnvironment environment;
  private final List<Task> tasks = new ArrayList<>();
  private volatile Throwable failure;

  LocalJobRunner() throws IOException {
    tempDirectory = Files.createTempDirectory("sluice-bench").toFile();
    environment = new TaskEnvironment(getClass().getClassLoader(), tempDirectory, shuffle);
  }

  void start(JobGraph graph) {
    List<JobVertex> vertices = graph.vertices();
    for (int v = vertices.size() - 1; v >= 0; v--) {
      JobVertex vertex = vertices.get(v);
      for (int s = 0; s < vertex.parallelism(); s++) {
        ExecutionAttemptId id = new ExecutionAttemptId(graph.jobId(), vertex.id(), s, 0);
        tasks.add(new Task(new TaskDeploymentDescriptor(id, graph), environment, this));
      }
    }
    tasks.forEach(Task::start);
  }

  /** The first task failure, or null. */
  Throwable failure() {
    return failure;
  }

  /** Waits until every task ended; throws if one failed or they did not end in time. */
  void awaitFinished(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Task t : tasks) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      if (!t.awaitTermination(left)) {
        throw new IllegalStateException("Task " + t.attemptId() + " did not end within " + timeout + ", state " + t.state());
      }
    }
    if (failure != null) {
      throw new IllegalStateException("A task of the benchmark job failed", failure);
    }
    for (Task t : tasks) {
      if (t.state() != ExecutionState.FINISHED) {
        throw new IllegalStateException("Task " + t.attemptId() + " ended " + t.state());
      }
    }
  }

  @Override
  public void stateChanged(
      ExecutionAttemptId attempt, ExecutionState state, Throwable cause, Map<String, Accumulator<?>> accumulators) {
    if (state == ExecutionState.FAILED && failure == null) {
      failure = cause;
    }
  }

  @Override
  public void close() {
    environment.close();
    shuffle.close();
    try (Stream<java.nio.file.Path> paths = Files.walk(tempDirectory.toPath())) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory
    }
  }
}
