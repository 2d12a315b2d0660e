package dev.sluice.engine.cluster.executiongraph;

import dev.sluice.engine.task.ExecutionAttemptId;

/**
 * One subtask of a vertex. Holds its current {@link Execution}; a restart would add a new
 * attempt here. JobManager main thread only.
 */
public final class ExecutionVertex {

  private final ExecutionJobVertex jobVertex;
  private final int subtaskIndex;
  private final Execution currentExecution;

  ExecutionVertex(ExecutionJobVertex jobVertex, int subtaskIndex) {
    this.jobVertex = jobVertex;
    this.subtaskIndex = subtaskIndex;
    this.currentExecution = new Execution(this,
        new ExecutionAttemptId(jobVertex.graph().jobId(), jobVertex.jobVertex().id(), subtaskIndex, 0));
  }

  public ExecutionJobVertex jobVertex() {
    return jobVertex;
  }

  public int subtaskIndex() {
    return subtaskIndex;
  }

  public Execution currentExecution() {
    return currentExecution;
  }

  /** e.g. {@code "map (2/4)"}: 1-based index, as in logs and errors. */
  public String taskNameWithSubtask() {
    return jobVertex.jobVertex().name() + " (" + (subtaskIndex + 1) + "/" + jobVertex.parallelism() + ")";
  }
}
