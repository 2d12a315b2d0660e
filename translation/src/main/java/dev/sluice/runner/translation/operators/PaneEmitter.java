package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.Output;
import java.util.Collection;
import org.apache.beam.runners.core.OutputWindowedValue;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Emits the panes a GroupByKey (batch or streaming) or a streaming Combine.perKey fires on port
 * 0, with their timestamp: {@code KV<K, Iterable<V>>} or {@code KV<K, OutputT>}.
 */
final class PaneEmitter<T> implements OutputWindowedValue<T> {
  private final Output output;

  PaneEmitter(Output output) {
    this.output = output;
  }

  @Override
  public void outputWindowedValue(
      T value, Instant timestamp, Collection<? extends BoundedWindow> windows, PaneInfo pane) {
    output.emit(0, WindowedValue.of(value, timestamp, windows, pane), timestamp.getMillis());
  }

  @Override
  public <AdditionalT> void outputWindowedValue(
      TupleTag<AdditionalT> tag, AdditionalT value, Instant timestamp, Collection<? extends BoundedWindow> windows, PaneInfo pane) {
    throw new IllegalStateException("GroupByKey has no additional outputs, got one for " + tag);
  }
}
