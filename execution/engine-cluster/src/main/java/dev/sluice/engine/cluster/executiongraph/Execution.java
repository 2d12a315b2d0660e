package dev.sluice.engine.cluster.executiongraph;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.cluster.rpc.SlotId;
import dev.sluice.engine.task.ExecutionAttemptId;
import dev.sluice.engine.task.ExecutionState;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt to run a subtask, as the JobManager sees it.
 *
 * <h3>Threading model</h3>
 * Not thread-safe: JobManager main thread only.
 *
 * <h3>Lifecycle</h3>
 * {@link ExecutionState}. The JobManager drives CREATED -> DEPLOYING and -> CANCELING with
 * {@link #transitionState}, which enforces {@link ExecutionState#canMoveTo}; the task's own
 * reports arrive through {@link #reportState}, which ignores stale reports and always accepts a
 * terminal state (the task is the authority on how it ended).
 */
public final class Execution {

  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  private final ExecutionVertex vertex;
  private final ExecutionAttemptId attemptId;
  private ExecutionState state = ExecutionState.CREATED;
  /** Set once, with the FAILED state. */
  private Throwable failureCause;
  /** Latest accumulators the task reported; final once the state is terminal. */
  private Map<String, Accumulator<?>> accumulators = Map.of();
  /** Where the attempt runs; null until assigned. */
  private SlotId slot;

  Execution(ExecutionVertex vertex, ExecutionAttemptId attemptId) {
    this.vertex = vertex;
    this.attemptId = attemptId;
  }

  public ExecutionVertex vertex() {
    return vertex;
  }

  public ExecutionAttemptId attemptId() {
    return attemptId;
  }

  public ExecutionState state() {
    return state;
  }

  public Throwable failureCause() {
    return failureCause;
  }

  public SlotId slot() {
    return slot;
  }

  public void assignSlot(SlotId slot) {
    if (state != ExecutionState.CREATED || this.slot != null) {
      throw new IllegalStateException("Illegal state " + state + " while assigning slot " + slot + " to task " + taskName());
    }
    this.slot = slot;
  }

  public Map<String, Accumulator<?>> accumulators() {
    return accumulators;
  }

  /** Keeps the latest accumulators of a task still running; ignored once the state is terminal. */
  public void updateAccumulators(Map<String, Accumulator<?>> latest) {
    if (latest != null && !state.isTerminal()) {
      accumulators = Map.copyOf(latest);
    }
  }

  /** e.g. {@code "map (2/4)#0"}. */
  public String taskName() {
    return vertex.taskNameWithSubtask() + "#" + attemptId.attempt();
  }

  /**
   * A transition the JobManager decides.
   *
   * @throws IllegalStateException if {@link ExecutionState#canMoveTo} forbids it (a bug)
   */
  public void transitionState(ExecutionState next) {
    if (!state.canMoveTo(next)) {
      throw new IllegalStateException("Illegal state " + state + " while moving task " + taskName() + " to " + next);
    }
    switchTo(next, null);
  }

  /**
   * A state the task reported.
   *
   * @return whether the state changed; false for a stale or repeated report (e.g. RUNNING
   *     after the JobManager already moved the attempt to CANCELING)
   */
  public boolean reportState(ExecutionState reported, Throwable cause) {
    if (reported == state) {
      return false;
    }
    if (state.canMoveTo(reported) || (reported.isTerminal() && !state.isTerminal())) {
      switchTo(reported, cause);
      return true;
    }
    LOG.debug("Ignoring report {} of task {} in state {}", reported, taskName(), state);
    return false;
  }

  private void switchTo(ExecutionState next, Throwable cause) {
    if (next == ExecutionState.FAILED) {
      failureCause = cause;
      LOG.info("Task {} switched from {} to {}", taskName(), state, next, cause);
    } else {
      LOG.info("Task {} switched from {} to {}", taskName(), state, next);
    }
    state = next;
  }

  @Override
  public String toString() {
    return taskName() + " [" + state + "]";
  }
}
