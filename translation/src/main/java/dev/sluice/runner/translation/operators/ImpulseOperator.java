package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.SourceOperator;
import org.apache.beam.sdk.util.WindowedValue;

/**
 * Beam's Impulse: one empty byte array in the global window, then end of input. Runs at
 * parallelism 1; should it ever run wider, only subtask 0 emits, so there is still exactly one
 * impulse.
 */
public final class ImpulseOperator implements SourceOperator {

  private boolean emit;

  @Override
  public void open(OperatorContext context, Output output) {
    emit = context.subtaskIndex() == 0;
  }

  @Override
  public Status emitNext(Output output) {
    if (emit) {
      emit = false;
      WindowedValue<byte[]> impulse = WindowedValue.valueInGlobalWindow(new byte[0]);
      output.emit(0, impulse, impulse.getTimestamp().getMillis());
      return Status.MORE_AVAILABLE;
    }
    return Status.END_OF_INPUT;
  }

  @Override
  public void finish() {}

  @Override
  public void close() {}
}
