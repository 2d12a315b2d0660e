package dev.sluice.engine.graph;

import dev.sluice.engine.api.KeySelector;
import java.io.Serializable;

/** How records of an edge are routed from producer subtasks to consumer subtasks. */
public sealed interface Partitioning extends Serializable {

  /** Producer subtask i feeds consumer subtask i; requires equal parallelism. Chainable. */
  record Forward() implements Partitioning {}

  /** Round-robin over all consumer subtasks. */
  record Rebalance() implements Partitioning {}

  /** Every record to every consumer subtask. */
  record Broadcast() implements Partitioning {}

  /** By key group of {@code keySelector}'s key: equal keys meet in one subtask. */
  record Hash(KeySelector keySelector) implements Partitioning {}

  static Partitioning forward() {
    return new Forward();
  }

  static Partitioning rebalance() {
    return new Rebalance();
  }

  static Partitioning broadcast() {
    return new Broadcast();
  }

  static Partitioning hash(KeySelector keySelector) {
    return new Hash(keySelector);
  }
}
