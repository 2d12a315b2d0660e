package dev.sluice.engine.graph;

import java.io.Serializable;
import java.util.List;

/**
 * A chain of operators run by one task per subtask.
 *
 * @param chain the chained operators; node 0 is the head, nodes are in topological order
 * @param inputEdges ids of the edges that feed the head
 * @param outputEdges ids of the edges that leave any node of the chain
 */
public record JobVertex(
    VertexId id,
    String name,
    int parallelism,
    int maxParallelism,
    List<ChainedOperator> chain,
    List<Integer> inputEdges,
    List<Integer> outputEdges)
    implements Serializable {

  public ChainedOperator head() {
    return chain.get(0);
  }

  public boolean isSource() {
    return inputEdges.isEmpty();
  }
}
