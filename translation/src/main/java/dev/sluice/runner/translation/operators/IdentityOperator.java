package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.AbstractOperator;

/**
 * Passes every value to port 0 unchanged (windows, timestamp and pane included). Beam's Flatten
 * connects all flattened PCollections to its input 0, so the engine merges their watermarks;
 * Reshuffle/Redistribute put it behind a REBALANCE or HASH edge, where the exchange is what matters.
 */
public final class IdentityOperator extends AbstractOperator {

  @Override
  public void processElement(int input, Object value, long timestamp) {
    output.emit(0, value, timestamp);
  }
}
