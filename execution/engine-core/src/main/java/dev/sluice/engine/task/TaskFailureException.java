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

  public TaskFailureException(JobId jobId, String jobName, VertexId vertex, int subtask, String taskName, Throwable cause) {
    super("Task '" + taskName + "' of job " + jobName + " (" + jobId + ") failed: " + describe(cause), cause);
    this.jobId = jobId;
    this.jobName = jobName;
    this.vertex = vertex;
    this.subtask = subtask;
    this.taskName = taskName;
  }

  /** Builds the exception for a task from whatever it threw, unwrapping wrappers first. */
  static TaskFailureException of(TaskDeploymentDescriptor tdd, Throwable thrown) {
    return new TaskFailureException(tdd.jobGraph().jobId(), tdd.jobGraph().name(), tdd.attemptId().vertex(),
        tdd.subtaskIndex(), tdd.taskName(), unwrap(thrown));
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
