package dev.sluice.runner.translation.testing;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link JobGraph} on the real engine tasks (one thread per subtask, bounded local
 * buffers), without a cluster: every subtask is deployed as a {@link Task} on one
 * {@link TaskEnvironment}. On the first failure the other tasks are canceled, as a JobManager
 * would do. A test stand-in until the runner module runs jobs on a MiniCluster.
 */
public final class EngineJobRunner implements AutoCloseable {

  /** What a finished job left behind. */
  public record Result(Map<String, Accumulator<?>> accumulators, List<Throwable> failures) {}

  private final LocalShuffleEnvironment shuffle;
  private final File tempDir;
  private final TaskEnvironment environment;

  public EngineJobRunner() throws IOException {
    this(LocalShuffleEnvironment.DEFAULT_BUFFER_SIZE_BYTES, LocalShuffleEnvironment.DEFAULT_BUFFERS_PER_PARTITION);
  }

  public EngineJobRunner(int bufferSizeBytes, int buffersPerPartition) throws IOException {
    shuffle = new LocalShuffleEnvironment(bufferSizeBytes, buffersPerPartition);
    tempDir = Files.createTempDirectory("sluice-engine-test").toFile();
    environment = new TaskEnvironment(getClass().getClassLoader(), tempDir, shuffle);
  }

  /** Runs the job to its end (or {@code timeout}, then fails with the task states). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Result run(JobGraph graph, Duration timeout) throws InterruptedException {
    Map<ExecutionAttemptId, Task> tasks = new ConcurrentHashMap<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    Map<ExecutionAttemptId, Map<String, Accumulator<?>>> finalAccumulators = new ConcurrentHashMap<>();
    int total = graph.vertices().stream().mapToInt(JobVertex::parallelism).sum();
    CountDownLatch ended = new CountDownLatch(total);
    TaskListener listener = (attempt, state, cause, accumulators) -> {
      if (state == ExecutionState.FAILED) {
        failures.add(cause);
        new Thread(() -> tasks.values().forEach(Task::cancel), "cancel-on-failure").start();
      }
      if (state.isTerminal()) {
        finalAccumulators.put(attempt, accumulators);
        ended.countDown();
      }
    };
    // Consumers first: channels must cope with partitions that are not registered yet.
    for (int v = graph.vertices().size() - 1; v >= 0; v--) {
      JobVertex vertex = graph.vertices().get(v);
      for (int s = 0; s < vertex.parallelism(); s++) {
        ExecutionAttemptId id = new ExecutionAttemptId(graph.jobId(), vertex.id(), s, 0);
        tasks.put(id, new Task(new TaskDeploymentDescriptor(id, graph), environment, listener));
      }
    }
    tasks.values().forEach(Task::start);
    if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      Map<ExecutionAttemptId, ExecutionState> states = new HashMap<>();
      tasks.forEach((id, t) -> states.put(id, t.state()));
      tasks.values().forEach(Task::cancel);
      throw new AssertionError("Job did not end within " + timeout + "; task states: " + states);
    }
    Map<String, Accumulator<?>> merged = new HashMap<>();
    for (Map<String, Accumulator<?>> perTask : finalAccumulators.values()) {
      for (Map.Entry<String, Accumulator<?>> e : perTask.entrySet()) {
        Accumulator existing = merged.get(e.getKey());
        if (existing == null) {
          merged.put(e.getKey(), e.getValue().copy());
        } else {
          existing.merge(e.getValue());
        }
      }
    }
    return new Result(merged, new ArrayList<>(failures));
  }

  @Override
  public void close() {
    environment.close();
    shuffle.close();
    try (var paths = Files.walk(tempDir.toPath())) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a leftover temp directory does not affect the test's outcome.
    }
  }
}
