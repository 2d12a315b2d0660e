package dev.sluice.engine.task;

/**
 * Lifecycle of one execution attempt of a subtask.
 *
 * <pre>
 * CREATED -> DEPLOYING -> RUNNING -> FINISHED
 *    any non-terminal state -> CANCELING -> CANCELED
 *    any non-terminal state -> FAILED
 * </pre>
 */
public enum ExecutionState {
  CREATED,
  DEPLOYING,
  RUNNING,
  FINISHED,
  CANCELING,
  CANCELED,
  FAILED;

  public boolean isTerminal() {
    return this == FINISHED || this == CANCELED || this == FAILED;
  }

  public boolean canMoveTo(ExecutionState next) {
    if (isTerminal()) {
      return false;
    }
    return switch (next) {
      case FAILED, CANCELING -> true;
      case CANCELED -> true;
      case DEPLOYING -> this == CREATED;
      case RUNNING -> this == DEPLOYING;
      case FINISHED -> this == RUNNING;
      default -> false;
    };
  }
}
