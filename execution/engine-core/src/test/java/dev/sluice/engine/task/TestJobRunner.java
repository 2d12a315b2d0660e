package dev.sluice.engine.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobVertex;
import dev.sluice.engine.network.LocalShuffleEnvironment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Deploys every subtask of a {@link JobGraph} as a {@link Task} on one
 * {@link LocalShuffleEnvironment} and one {@link TaskEnvironment}: a stand-in for the
 * MiniCluster in engine-core tests. Consumers are started before producers, so channels
 * regularly ask for partitions that are not registered yet. When a task fails, the others are
 * canceled (as a JobManager would).
 */
final class TestJobRunner implements AutoCloseable {

  final LocalShuffleEnvironment shuffle;
  final TaskEnvironment environment;
  final File tempDir;

  TestJobRunner() {
    this(LocalShuffleEnvironment.DEFAULT_BUFFER_SIZE_BYTES, LocalShuffleEnvironment.DEFAULT_BUFFERS_PER_PARTITION);
  }

  TestJobRunner(int bufferSize, int buffersPerPartition) {
    shuffle = new LocalShuffleEnvironment(bufferSize, buffersPerPartition);
    try {
      tempDir = Files.createTempDirectory("sluice-task-test").toFile();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    environment = new TaskEnvironment(getClass().getClassLoader(), tempDir, shuffle);
  }

  RunningJob submit(JobGraph graph) {
    RunningJob job = new RunningJob(graph);
    List<JobVertex> vertices = graph.vertices();
    for (int v = vertices.size() - 1; v >= 0; v--) {
      JobVertex vertex = vertices.get(v);
      for (int s = 0; s < vertex.parallelism(); s++) {
        ExecutionAttemptId id = new ExecutionAttemptId(graph.jobId(), vertex.id(), s, 0);
        Task task = new Task(new TaskDeploymentDescriptor(id, graph), environment, job);
        job.tasks.put(id, task);
      }
    }
    for (Task t : job.tasks.values()) {
      t.start();
    }
    return job;
  }

  /** Runs the job to its end and asserts every task FINISHED. */
  RunningJob run(JobGraph graph) {
    RunningJob job = submit(graph);
    job.awaitTermination(Duration.ofSeconds(30));
    assertThat(job.failures()).as("task failures").isEmpty();
    assertThat(job.states().values()).allMatch(s -> s == ExecutionState.FINISHED);
    return job;
  }

  @Override
  public void close() {
    environment.close();
    shuffle.close();
    try (var paths = Files.walk(tempDir.toPath())) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }

  /** The tasks of one job and the transitions they reported. */
  final class RunningJob implements TaskListener {
    final JobGraph graph;
    final Map<ExecutionAttemptId, Task> tasks = new ConcurrentHashMap<>();
    final List<Transition> transitions = new CopyOnWriteArrayList<>();
    final Map<ExecutionAttemptId, Throwable> failures = new ConcurrentHashMap<>();
    final Map<ExecutionAttemptId, Map<String, Accumulator<?>>> finalAccumulators = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    RunningJob(JobGraph graph) {
      this.graph = graph;
    }

    @Override
    public void stateChanged(ExecutionAttemptId attempt, ExecutionState state, Throwable cause, Map<String, Accumulator<?>> accumulators) {
      transitions.add(new Transition(attempt, state, cause));
      if (state == ExecutionState.FAILED) {
        failures.put(attempt, cause);
        // As a JobManager would: fail the job, cancel the rest.
        new Thread(() -> tasks.values().forEach(Task::cancel), "test-cancel-on-failure").start();
      }
      if (state.isTerminal()) {
        finalAccumulators.put(attempt, accumulators);
      }
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    Task task(int vertex, int subtask) {
      return tasks.get(new ExecutionAttemptId(graph.jobId(), graph.vertices().get(vertex).id(), subtask, 0));
    }

    void cancel() {
      tasks.values().forEach(Task::cancel);
    }

    Map<ExecutionAttemptId, ExecutionState> states() {
      Map<ExecutionAttemptId, ExecutionState> m = new java.util.HashMap<>();
      tasks.forEach((id, t) -> m.put(id, t.state()));
      return m;
    }

    Map<ExecutionAttemptId, Throwable> failures() {
      return failures;
    }

    /** Waits until every task reported a terminal state; fails the test after {@code timeout}. */
    void awaitTermination(Duration timeout) {
      awaitTasks(timeout, new ArrayList<>(tasks.values()));
    }

    void awaitTasks(Duration timeout, List<Task> which) {
      long deadline = System.nanoTime() + timeout.toNanos();
      lock.lock();
      try {
        while (!which.stream().allMatch(t -> t.state().isTerminal() && terminalReported(t))) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("Tasks did not end within " + timeout + ": " + states());
          }
          changed.await(left, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      } finally {
        lock.unlock();
      }
      for (Task t : which) {
        try {
          assertThat(t.awaitTermination(timeout.toMillis())).as("thread of %s ended", t.attemptId()).isTrue();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    }

    private boolean terminalReported(Task t) {
      return transitions.stream().anyMatch(tr -> tr.attempt().equals(t.attemptId()) && tr.state().isTerminal());
    }

    List<ExecutionState> transitionsOf(Task t) {
      return transitions.stream().filter(tr -> tr.attempt().equals(t.attemptId())).map(Transition::state).toList();
    }
  }

  record Transition(ExecutionAttemptId attempt, ExecutionState state, Throwable cause) {}
}
