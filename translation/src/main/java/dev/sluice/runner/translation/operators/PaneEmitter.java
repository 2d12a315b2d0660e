package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.Output;
import java.util.Collection;
import org.apache.beam.runners.core.OutputWindowedValue;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/** Emits the panes a GroupByKey (batch or streaming) fires on port 0, with their timestamp. */
final class PaneEmitter<K, V> implements OutputWindowedValue<KV<K, Iterable<V>>> {
  private final Output output;

  PaneEmitter(Output output) {
    this.output = output;
  }

  @Override
  public void outputWindowedValue(
      KV<K, Iterable<V>> value, Instant timestamp, Collection<? extends BoundedWindow> windows, PaneInfo pane) {
    output.emit(0, WindowedValue.of(value, timestamp, windows, pane), timestamp.getMillis());
  }

  @Override
  public <T> void outputWindowedValue(
      TupleTag<T> tag, T value, Instant timestamp, Collection<? extends BoundedWindow> windows, PaneInfo pane) {
    throw new IllegalStateException("GroupByKey has no additional outputs, got one for " + tag);
  }
}
