package dev.sluice.engine.graph;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The immutable output of translation: what the JobManager schedules. Built by
 * {@link JobGraphBuilder}, which also decides chaining.
 *
 * @param vertices in topological order; {@code vertices.get(i).id().value() == i}
 * @param edges {@code edges.get(i).id() == i}
 * @param config free-form job settings the engine reads (see {@link JobConfig})
 */
public record JobGraph(
    JobId jobId, String name, List<JobVertex> vertices, List<JobEdge> edges, Map<String, String> config)
    implements Serializable {

  public JobVertex vertex(VertexId id) {
    return vertices.get(id.value());
  }

  public JobEdge edge(int id) {
    return edges.get(id);
  }
}
