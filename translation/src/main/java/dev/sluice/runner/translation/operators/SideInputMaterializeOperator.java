package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.Operator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * Streaming: turns the elements of a side input's PCollection into panes, one value per window
 * and firing: {@code WindowedValue<T>} in, {@code WindowedValue<Iterable<T>>} out (port 0), the
 * whole contents of the window as of that pane. The {@link DoFnOperator} that reads the side
 * input replaces a window's view contents with each pane it receives, so a triggered side input
 * shows its latest firing, and a window is complete once its on-time pane arrived.
 *
 * <p>This is a GroupByKey on a single (void) key with the PCollection's own windowing strategy
 * (trigger, accumulation mode, allowed lateness): a {@link StreamingGroupByKeyOperator} whose
 * input is keyed and output unkeyed here. The translation runs it at parallelism 1 and
 * broadcasts its output; the Direct and Flink runners materialize views the same way.
 *
 * <h3>Threading model and lifecycle</h3>
 * Those of the wrapped {@link StreamingGroupByKeyOperator}: mailbox thread only.
 */
public final class SideInputMaterializeOperator<T, W extends BoundedWindow> implements Operator {

  private final StreamingGroupByKeyOperator<Void, T, W> grouping;

  public SideInputMaterializeOperator(
      String stepName, Coder<T> valueCoder, WindowingStrategy<?, W> windowingStrategy, SerializablePipelineOptions options) {
    this.grouping = new StreamingGroupByKeyOperator<>(stepName, VoidCoder.of(), valueCoder, windowingStrategy, options);
  }

  @Override
  public void open(OperatorContext context, Output output) throws Exception {
    grouping.open(context, new Output() {
      @Override
      @SuppressWarnings("unchecked")
      public void emit(int port, Object value, long timestamp) {
        WindowedValue<KV<Void, Iterable<T>>> pane = (WindowedValue<KV<Void, Iterable<T>>>) value;
        output.emit(port, pane.withValue(pane.getValue().getValue()), timestamp);
      }

      @Override
      public void emitWatermark(long watermark) {
        output.emitWatermark(watermark);
      }

      @Override
      public void markIdle(boolean idle) {
        output.markIdle(idle);
      }
    });
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(int input, Object value, long timestamp) throws Exception {
    WindowedValue<T> element = (WindowedValue<T>) value;
    grouping.processElement(input, element.withValue(KV.of((Void) null, element.getValue())), timestamp);
  }

  @Override
  public void processWatermark(int input, long watermark) throws Exception {
    grouping.processWatermark(input, watermark);
  }

  @Override
  public void endInput(int input) throws Exception {
    grouping.endInput(input);
  }

  @Override
  public void finish() throws Exception {
    grouping.finish();
  }

  @Override
  public void close() throws Exception {
    grouping.close();
  }
}
