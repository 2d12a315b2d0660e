package dev.sluice.engine.cluster.taskmanager;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.task.ExecutionAttemptId;
import java.util.Map;

/**
 * What a TaskManager needs of a running subtask: the engine's {@code Task}, or a fake in tests.
 * {@link #cancel()} and {@link #accumulatorSnapshot()} may be called from any thread.
 */
public interface DeployedTask {

  ExecutionAttemptId attemptId();

  /** Starts the task's thread; returns at once. */
  void start();

  /** Asks the task to stop; returns at once. Its listener hears the terminal state. */
  void cancel();

  /** Asks the task to drain; returns at once. Default: nothing (a task that cannot drain). */
  default void drain() {}

  Map<String, Accumulator<?>> accumulatorSnapshot();
}
