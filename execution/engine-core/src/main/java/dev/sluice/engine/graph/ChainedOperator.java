package dev.sluice.engine.graph;

import dev.sluice.engine.api.OperatorFactory;
import java.io.Serializable;
import java.util.List;

/**
 * One operator inside a vertex's chain. Node 0 of a chain is its head (the one that reads the
 * vertex's network inputs, or the source); every other node has exactly one input, fed by call
 * from an earlier node of the same chain.
 *
 * @param name the operator's name (for Beam: the transform's full name)
 * @param chainedTargets per output port, the chain nodes (index in the chain, always greater
 *     than this node's) and their input numbers that receive the port's records by call
 * @param networkTargets per output port, the ids of the {@link JobEdge}s that carry its records
 */
public record ChainedOperator(
    String name,
    OperatorFactory factory,
    int numberOfInputs,
    List<List<ChainTarget>> chainedTargets,
    List<List<Integer>> networkTargets)
    implements Serializable {

  public int numberOfOutputPorts() {
    return chainedTargets.size();
  }

  /** A chained receiver: node {@code node} of the same chain, at input {@code input}. */
  public record ChainTarget(int node, int input) implements Serializable {}
}
