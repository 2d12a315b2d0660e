package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.runner.translation.operators.PartialCombineOperator.Partial;
import java.util.HashMap;
import java.util.Arrays;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.CombineFnBase.GlobalCombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;

/**
 * Post-shuffle half of Combine.perKey (batch): merges the partial accumulators of each
 * (key, window) and, at the end of input, emits {@code extractOutput} once per (key, window).
 *
 * <p>Input: {@code WindowedValue<KV<K, AccumT>>} from {@link PartialCombineOperator}, behind a
 * HASH edge on the key. Output (port 0): {@code WindowedValue<KV<K, OutputT>>} in the same
 * window, with the combined timestamp and the pane a batch GroupByKey gives (on time, only
 * firing: in batch the watermark jumps past end of window and garbage collection at once).
 * With a merging {@code WindowFn} ({@link #forWindows}) each key's partial windows are merged as
 * they arrive and once more before output ({@link MergingWindowAccumulators}), so each output is
 * one merged window (a session), as GroupByKey + Combine.GroupedValues would give.
 *
 * <h3>Memory</h3>
 * One accumulator per (key, window) of this subtask is held on the heap until the end of
 * input; it does not spill, so {@link OperatorContext#managedMemoryBytes()} is not enforced.
 * Accumulators are usually small; a combine whose accumulators grow with their input (e.g.
 * {@code Top} with a large count, or collecting to a list) over many keys can exhaust the heap.
 *
 * <h3>Lifecycle</h3>
 * Watermarks below +infinity are held; at +infinity (or {@code finish}) everything is emitted,
 * then the watermark is forwarded.
 */
public final class FinalCombineOperator<K, AccumT, OutputT> extends AbstractOperator {

  private final Coder<K> keyCoder;
  private final GlobalCombineFn<?, ?, ?> fn;
  private final TimestampCombiner timestampCombiner;
  private final SerializablePipelineOptions options;
  /** Non-null when windows merge: the WindowFn that merges them. */
  private final WindowFn<?, ?> mergingWindowFn;

  private transient CombineFn<?, AccumT, OutputT> combineFn;
  private transient boolean keyConsistentWithEquals;
  /** Merging windows: per key (structural value), its windows' merged accumulators. */
  private transient Map<Object, MergingWindowAccumulators<K, AccumT>> mergingTable;
  /**
   * Merged accumulators. State: one accumulator and combined timestamp per (key, window).
   * Merging: accumulators merged with {@code mergeAccumulators}, timestamps with the
   * TimestampCombiner. Lifetime: until emitted at the end of input.
   */
  private transient Map<WindowedKey, Partial<K, AccumT>> table;
  private transient boolean emitted;

  public FinalCombineOperator(
      Coder<K> keyCoder, GlobalCombineFn<?, ?, ?> fn, TimestampCombiner timestampCombiner, SerializablePipelineOptions options) {
    this(keyCoder, fn, timestampCombiner, options, null);
  }

  private FinalCombineOperator(
      Coder<K> keyCoder,
      GlobalCombineFn<?, ?, ?> fn,
      TimestampCombiner timestampCombiner,
      SerializablePipelineOptions options,
      WindowFn<?, ?> mergingWindowFn) {
    this.keyCoder = keyCoder;
    this.fn = fn;
    this.timestampCombiner = timestampCombiner;
    this.options = options;
    this.mergingWindowFn = mergingWindowFn;
  }

  /** For inputs windowed by {@code windowFn}: merges each key's windows if {@code windowFn} merges them (e.g. sessions). */
  public static <K, AccumT, OutputT> FinalCombineOperator<K, AccumT, OutputT> forWindows(
      Coder<K> keyCoder,
      GlobalCombineFn<?, ?, ?> fn,
      TimestampCombiner timestampCombiner,
      SerializablePipelineOptions options,
      WindowFn<?, ?> windowFn) {
    return new FinalCombineOperator<>(keyCoder, fn, timestampCombiner, options, windowFn.isNonMerging() ? null : windowFn);
  }

  @Override
  public void open(OperatorContext context, Output output) throws Exception {
    super.open(context, output);
    combineFn = CombineFns.bind(fn, options.get());
    keyConsistentWithEquals = keyCoder.consistentWithEquals();
    table = new HashMap<>();
    mergingTable = new HashMap<>();
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(int input, Object value, long timestamp) throws Exception {
    WindowedValue<KV<K, AccumT>> wv = (WindowedValue<KV<K, AccumT>>) value;
    K key = wv.getValue().getKey();
    Object structuralKey = WindowedKey.structural(keyCoder, keyConsistentWithEquals, key);
    if (mergingWindowFn != null) {
      processMerging(wv, key, structuralKey);
      return;
    }
    for (BoundedWindow window : wv.getWindows()) {
      WindowedKey wk = new WindowedKey(structuralKey, window);
      Partial<K, AccumT> p = table.get(wk);
      if (p == null) {
        table.put(wk, new Partial<>(key, wv.getValue().getValue(), wv.getTimestamp()));
      } else {
        p.accumulator = combineFn.mergeAccumulators(Arrays.asList(p.accumulator, wv.getValue().getValue()));
        p.timestamp = timestampCombiner.combine(p.timestamp, wv.getTimestamp());
      }
    }
  }

  private void processMerging(WindowedValue<KV<K, AccumT>> wv, K key, Object structuralKey) throws Exception {
    MergingWindowAccumulators<K, AccumT> windows = MergingWindowAccumulators.forKey(mergingTable, structuralKey, key);
    for (BoundedWindow window : wv.getWindows()) {
      MergingWindowAccumulators.Entry<AccumT> entry = windows.get(window);
      if (entry == null) {
        windows.put(window, new MergingWindowAccumulators.Entry<>(wv.getValue().getValue(), wv.getTimestamp()));
      } else {
        entry.accumulator = combineFn.mergeAccumulators(Arrays.asList(entry.accumulator, wv.getValue().getValue()));
        entry.timestamp = timestampCombiner.combine(entry.timestamp, wv.getTimestamp());
      }
    }
    windows.mergeIfGrown(mergingWindowFn, combineFn, timestampCombiner);
  }

  @Override
  protected void onWatermark(long watermark) throws Exception {
    if (watermark == Watermarks.MAX) {
      emitAll();
    }
  }

  @Override
  public void finish() throws Exception {
    emitAll();
  }

  @Override
  public void close() throws Exception {
    table = null;
    mergingTable = null;
  }

  private void emitAll() throws Exception {
    if (emitted) {
      return;
    }
    emitted = true;
    for (MergingWindowAccumulators<K, AccumT> windows : mergingTable.values()) {
      windows.mergeAll(mergingWindowFn, combineFn, timestampCombiner);
      for (Map.Entry<BoundedWindow, MergingWindowAccumulators.Entry<AccumT>> e : windows.entries().entrySet()) {
        MergingWindowAccumulators.Entry<AccumT> entry = e.getValue();
        OutputT result = combineFn.extractOutput(entry.accumulator);
        output.emit(0, WindowedValue.of(KV.of(windows.key(), result), entry.timestamp, e.getKey(),
            PaneInfo.ON_TIME_AND_ONLY_FIRING), entry.timestamp.getMillis());
      }
    }
    mergingTable.clear();
    for (Map.Entry<WindowedKey, Partial<K, AccumT>> e : table.entrySet()) {
      Partial<K, AccumT> p = e.getValue();
      OutputT result = combineFn.extractOutput(p.accumulator);
      output.emit(0, WindowedValue.of(KV.of(p.key, result), p.timestamp, e.getKey().window(),
          PaneInfo.ON_TIME_AND_ONLY_FIRING), p.timestamp.getMillis());
    }
    table.clear();
    output.emitWatermark(Watermarks.MAX);
  }
}
