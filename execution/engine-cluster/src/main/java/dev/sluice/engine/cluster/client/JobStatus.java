package dev.sluice.engine.cluster.client;

/**
 * Lifecycle of a job on the JobManager.
 *
 * <pre>
 * CREATED -> RUNNING -> FINISHED
 *              |-> FAILING -> FAILED
 *              |-> CANCELLING -> CANCELED
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
}
