package dev.sluice.runner;

import org.apache.beam.sdk.util.UserCodeException;

/**
 * Finds the user's exception inside the failure cause of a job. The engine reports a failed job
 * with a {@code TaskFailureException} (naming job, vertex and subtask) whose cause is what the
 * operator threw; Beam's DoFn runners wrap the user's exception in {@link UserCodeException}.
 */
final class FailureCauses {

  private static final String TASK_FAILURE_EXCEPTION = "dev.sluice.engine.task.TaskFailureException";

  private FailureCauses() {}

  /** The user's exception: the failure cause without the engine's and Beam's wrappers. */
  static Throwable userCause(Throwable failureCause) {
    Throwable t = failureCause;
    if (isTaskFailure(t) && t.getCause() != null) {
      t = t.getCause();
    }
    while (t instanceof UserCodeException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The engine's description of where the job failed (job, vertex, subtask), or null when the
   * failure did not come from a task.
   */
  static String whereFailed(Throwable failureCause) {
    return isTaskFailure(failureCause) ? failureCause.getMessage() : null;
  }

  // Matched by name: the engine's exception type is not on this branch yet.
  private static boolean isTaskFailure(Throwable t) {
    for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(TASK_FAILURE_EXCEPTION)) {
        return true;
      }
    }
    return false;
  }
}
