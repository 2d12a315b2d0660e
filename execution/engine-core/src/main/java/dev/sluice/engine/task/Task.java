package dev.sluice.engine.task;

import dev.sluice.engine.api.Accumulator;
import java.util.Map;

/**
 * Runs one subtask: its operator chain, its input gate and its output partitions, on one
 * thread driven by a mailbox.
 *
 * <h3>Threading model</h3>
 * {@link #start()} creates the task thread, which owns the operators. {@link #cancel()},
 * {@link #state()} and {@link #accumulatorSnapshot()} may be called from any thread.
 *
 * <h3>Lifecycle</h3>
 * See {@link ExecutionState}: CREATED -> DEPLOYING (operators created and opened, channels
 * wired) -> RUNNING -> FINISHED, or CANCELED / FAILED. Every transition is reported to the
 * {@link TaskListener}; the terminal one is the last call, made after all resources of the
 * task (thread excepted, which ends right after) are released.
 */
public final class Task {

  private final TaskDeploymentDescriptor descriptor;
  private final TaskEnvironment environment;
  private final TaskListener listener;

  public Task(TaskDeploymentDescriptor descriptor, TaskEnvironment environment, TaskListener listener) {
    this.descriptor = descriptor;
    this.environment = environment;
    this.listener = listener;
  }

  public ExecutionAttemptId attemptId() {
    return descriptor.attemptId();
  }

  /** Starts the task thread. */
  public void start() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Asks the task to stop; returns at once. The listener hears CANCELED when it stopped. */
  public void cancel() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public ExecutionState state() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Copies of the task's accumulators now. */
  public Map<String, Accumulator<?>> accumulatorSnapshot() {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
