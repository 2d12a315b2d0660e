package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.AbstractOperator;

/**
 * Passes every value of input 0 to port 0 unchanged (Beam's Flatten: all flattened
 * PCollections are connected to input 0, so the engine merges their watermarks).
 */
public final class IdentityOperator extends AbstractOperator {

  @Override
  public void processElement(int input, Object value, long timestamp) {
    output.emit(0, value, timestamp);
  }
}
