package dev.sluice.engine.benchmarks;

import dev.sluice.engine.api.AbstractOperator;

/** Forwards every record unchanged: the cheapest operator, so the edge cost shows. */
final class IdentityMap extends AbstractOperator {

  @Override
  public void processElement(int input, Object value, long timestamp) {
    output.emit(0, value, timestamp);
  }
}
