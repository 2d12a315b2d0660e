package dev.sluice.engine.task;

import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobVertex;
import java.io.Serializable;

/**
 * Everything a TaskManager needs to run one subtask. Immutable. Today it carries the whole
 * job graph (edges and peer parallelism are needed to wire channels); a multi-process cluster
 * will add producer locations.
 */
public record TaskDeploymentDescriptor(ExecutionAttemptId attemptId, JobGraph jobGraph) implements Serializable {

  public JobVertex vertex() {
    return jobGraph.vertex(attemptId.vertex());
  }

  public int subtaskIndex() {
    return attemptId.subtask();
  }

  /** e.g. {@code "GroupByKey (3/8)#0"}: 1-based subtask index, as in logs and errors. */
  public String taskName() {
    return vertex().name() + " (" + (subtaskIndex() + 1) + "/" + vertex().parallelism() + ")#" + attemptId.attempt();
  }
}
