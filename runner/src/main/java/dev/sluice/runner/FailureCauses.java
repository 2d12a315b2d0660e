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
    while (true) {
      Throwable next = (t instanceof TaskFailureException || t instanceof UserCodeException) && t.getCause() != null
          ? t.getCause()
          : TaskFailureException.unwrap(t);
      if (next == t) {
        return t;
      }
      t = next;
    }
  }

  /**
   * Where the job failed, e.g. {@code "Transform 'Parse' failed in task 'Read -> ... -> Parse
   * (2/4)#0' of job wordcount (1a2b3c4d)"}, or null when the failure did not come from a task.
   */
  static String whereFailed(Throwable failureCause) {
    if (failureCause instanceof TaskFailureException f) {
      return "Transform '" + f.operatorName() + "' failed in task '" + f.taskName() + "' of job " + f.jobName()
          + " (" + f.jobId() + ")";
    }
    return null;
  }
}
