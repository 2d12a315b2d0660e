package dev.sluice.engine.task;

import dev.sluice.engine.api.Accumulator;
import java.util.Map;

/**
 * Receives a task's state transitions; called from the task's thread, except CANCELING (and
 * CANCELED of a task canceled before it started), which are reported on the thread that called
 * {@link Task#cancel()}. Must not block.
 */
public interface TaskListener {

  /**
   * @param cause the failure, when {@code state == FAILED}; it names job, vertex and subtask
   * @param accumulators the task's accumulators at the time of the transition (final ones when
   *     the state is terminal)
   */
  void stateChanged(ExecutionAttemptId attempt, ExecutionState state, Throwable cause, Map<String, Accumulator<?>> accumulators);
}
