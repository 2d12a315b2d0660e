package dev.sluice.engine.task;

import dev.sluice.engine.graph.JobId;
import dev.sluice.engine.graph.VertexId;
import java.io.Serializable;

/** One attempt to run subtask {@code subtask} of vertex {@code vertex} of job {@code job}. */
public record ExecutionAttemptId(JobId job, VertexId vertex, int subtask, int attempt) implements Serializable {
  @Override
  public String toString() {
    return job + "/" + vertex + "/" + subtask + "#" + attempt;
  }
}
