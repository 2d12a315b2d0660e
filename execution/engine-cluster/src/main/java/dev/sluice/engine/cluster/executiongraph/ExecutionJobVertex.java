package dev.sluice.engine.cluster.executiongraph;

import dev.sluice.engine.graph.JobVertex;
import java.util.ArrayList;
import java.util.List;

/** A {@link JobVertex} expanded into one {@link ExecutionVertex} per subtask. JobManager main thread only. */
public final class ExecutionJobVertex {

  private final ExecutionGraph graph;
  private final JobVertex jobVertex;
  private final List<ExecutionVertex> subtasks;

  ExecutionJobVertex(ExecutionGraph graph, JobVertex jobVertex) {
    this.graph = graph;
    this.jobVertex = jobVertex;
    List<ExecutionVertex> list = new ArrayList<>(jobVertex.parallelism());
    for (int i = 0; i < jobVertex.parallelism(); i++) {
      list.add(new ExecutionVertex(this, i));
    }
    this.subtasks = List.copyOf(list);
  }

  public ExecutionGraph graph() {
    return graph;
  }

  public JobVertex jobVertex() {
    return jobVertex;
  }

  public int parallelism() {
    return jobVertex.parallelism();
  }

  public List<ExecutionVertex> subtasks() {
    return subtasks;
  }
}
