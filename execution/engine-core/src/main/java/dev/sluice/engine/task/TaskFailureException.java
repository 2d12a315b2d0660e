package dev.sluice.engine.task;

import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.graph.VertexId;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a task FAILED: names the task (vertex, subtask, attempt) and the job, and carries the
 * operator's original exception as its cause (reflection and chaining wrappers removed).
 */
public final class TaskFailureException extends Exception {

  private final JobId jobId;
  private final String jobName;
  private final VertexId vertex;
  private final int subtask;
  private final String taskName;
  private final String operatorName;

  public TaskFailureException(
      JobId jobId, String jobName, VertexId vertex, int subtask, String taskName, String operatorName, Throwable cause) {
    super("Task '" + taskName + "' of job " + jobName + " (" + jobId + ") failed in '" + operatorName + "': "
        + describe(cause), cause);
    this.jobId = jobId;
    this.jobName = jobName;
    this.vertex = vertex;
    this.subtask = subtask;
    this.taskName = taskName;
    this.operatorName = operatorName;
  }

  /**
   * Builds the exception for a task from whatever it threw. The operator is the chained one
   * that threw, found as the innermost {@link ExceptionInChainedOperator} in the cause chain
   * (upstream operators, e.g. a Beam DoFn runner, may have wrapped it); otherwise the head
   * operator (or the task runtime around it).
   */
  static TaskFailureException of(TaskDeploymentDescriptor tdd, Throwable thrown) {
    String operator = tdd.vertex().head().name();
    Throwable cause = thrown;
    for (Throwable t = thrown; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof ExceptionInChainedOperator chained && chained.getCause() != null) {
        operator = chained.operatorName();
        cause = chained.getCause();
      }
    }
    return new TaskFailureException(tdd.jobGraph().jobId(), tdd.jobGraph().name(), tdd.attemptId().vertex(),
        tdd.subtaskIndex(), tdd.taskName(), operator, unwrap(cause));
  }

  public JobId jobId() {
    return jobId;
  }

  public String jobName() {
    return jobName;
  }

  public VertexId vertex() {
    return vertex;
  }

  /** 0-based subtask index. */
  public int subtask() {
    return subtask;
  }

  /** e.g. {@code "ParDo(X) (2/4)#0"}. */
  public String taskName() {
    return taskName;
  }

  /** The chained operator that failed (for Beam: the transform's full name). */
  public String operatorName() {
    return operatorName;
  }

  /** Strips reflection, future and chaining wrappers to reach what the operator threw. */
  public static Throwable unwrap(Throwable t) {
    while (t.getCause() != null
        && (t instanceof InvocationTargetException
            || t instanceof UndeclaredThrowableException
            || t instanceof CompletionException
            || t instanceof ExecutionException
            || t instanceof ExceptionInChainedOperator)) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
