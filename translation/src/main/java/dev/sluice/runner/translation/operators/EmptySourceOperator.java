package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.SourceOperator;

/** A source that emits nothing and ends at once, e.g. a Flatten of no inputs. */
public final class EmptySourceOperator implements SourceOperator {

  @Override
  public void open(OperatorContext context, Output output) {}

  @Override
  public Status emitNext(Output output) {
    return Status.END_OF_INPUT;
  }

  @Override
  public void finish() {}

  @Override
  public void close() {}
}
