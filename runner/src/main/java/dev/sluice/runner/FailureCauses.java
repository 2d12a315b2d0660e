package dev.sluice.runner;

import dev.sluice.engine.task.TaskFailureException;
import org.apache.beam.sdk.util.UserCodeException;

/**
 * Finds the user's exception inside the failure cause of a job. The engine reports a failed job
 * with a {@link TaskFailureException} (naming job, vertex and subtask) whose cause is what the
 * operator threw; Beam's DoFn runners wrap the user's exception in {@link UserCodeException}.
 */
final class FailureCauses {

  private FailureCauses() {}

  /** The user's exception: the failure cause without the engine's and Beam's wrappers. */
  static Throwable userCause(Throwable failureCause) {
    Throwable t = failureCause;
    if (t instanceof TaskFailureException && t.getCause() != null) {
      t = t.getCause();
    }
    while (t instanceof UserCodeException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Where the job failed, e.g. {@code "Task 'ParDo(X) (2/4)#0' of job wordcount (1a2b3c4d)"}
   * (the task name lists the transforms chained in it), or null when the failure did not come
   * from a task.
   */
  static String whereFailed(Throwable failureCause) {
    if (failureCause instanceof TaskFailureException f) {
      return "Task '" + f.taskName() + "' of job " + f.jobName() + " (" + f.jobId() + ") failed";
    }
    return null;
  }
}
