package dev.sluice.engine.graph;

import java.io.Serializable;

/** Identifies a vertex within its job graph; vertex ids are dense, in topological order. */
public record VertexId(int value) implements Serializable {
  @Override
  public String toString() {
    return "v" + value;
  }
}
