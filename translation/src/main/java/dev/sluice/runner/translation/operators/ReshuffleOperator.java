package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.AbstractOperator;

/**
 * Forwards every element unchanged (windows, timestamp and pane included). Used behind the
 * REBALANCE or HASH edge of a Reshuffle/Redistribute, where the exchange is what matters.
 */
public final class ReshuffleOperator extends AbstractOperator {

  @Override
  public void processElement(int input, Object value, long timestamp) {
    output.emit(0, value, timestamp);
  }
}
