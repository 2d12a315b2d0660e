package dev.sluice.engine.cluster.jobmanager;

/** A job needs more free task slots than the cluster has; the job fails at once instead of waiting. */
public final class NoResourceAvailableException extends RuntimeException {
  public NoResourceAvailableException(String message) {
    super(message);
  }
}
