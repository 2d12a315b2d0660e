package dev.sluice.engine.cluster.client;

/**
 * Lifecycle of a job on the JobManager.
 *
 * <pre>
 * CREATED -> RUNNING -> FINISHED
 *    |         |-> FAILING -> FAILED
 *    |         |-> CANCELLING -> CANCELED
 *    |-> FAILED      (the job could not be scheduled, e.g. not enough slots)
 *    |-> CANCELED    (cancelled before it was scheduled)
 * </pre>
 */
public enum JobStatus {
  CREATED,
  RUNNING,
  FAILING,
  FAILED,
  CANCELLING,
  CANCELED,
  FINISHED;

  public boolean isTerminal() {
    return this == FAILED || this == CANCELED || this == FINISHED;
  }

  /** Whether the diagram above has an arrow from this status to {@code next}. */
  public boolean canMoveTo(JobStatus next) {
    return switch (this) {
      case CREATED -> next == RUNNING || next == FAILED || next == CANCELED;
      case RUNNING -> next == FINISHED || next == FAILING || next == CANCELLING;
      case FAILING -> next == FAILED;
      case CANCELLING -> next == CANCELED;
      case FAILED, CANCELED, FINISHED -> false;
    };
  }
}
