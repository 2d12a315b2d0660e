package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.runner.translation.serde.EncodedKey;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.CombineFnBase.GlobalCombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * Pre-shuffle half of Combine.perKey: folds inputs into one accumulator per (key, window)
 * before the HASH exchange, so the network carries at most one partial accumulator per key and
 * window per flush instead of every input. Chained after the producer (FORWARD).
 *
 * <p>Input: {@code WindowedValue<KV<K, InputT>>} in non-merging windows. Output (port 0): one
 * {@code WindowedValue<KV<K, AccumT>>} per (key, window) in that single window; its timestamp is
 * the windowing strategy's {@link TimestampCombiner} over the inputs' timestamps (already
 * assigned to the window), so the final combine can merge it further.
 *
 * <h3>Memory</h3>
 * When the table holds more than {@code maxEntries} (key, window) pairs it emits them all and
 * starts over: a partial may then be emitted several times for a key, which the final combine
 * merges. Before any watermark is forwarded the table is flushed: the output watermark never
 * passes a timestamp still held here.
 */
public final class PartialCombineOperator<K, InputT, AccumT> extends AbstractOperator {

  /** Default bound on (key, window) entries held before flushing. */
  public static final int DEFAULT_MAX_ENTRIES = 10_000;

  private final Coder<K> keyCoder;
  private final GlobalCombineFn<?, ?, ?> fn;
  private final TimestampCombiner timestampCombiner;
  private final SerializablePipelineOptions options;
  private final int maxEntries;

  private transient CombineFn<InputT, AccumT, ?> combineFn;
  /**
   * Accumulators being built. State: one accumulator and combined timestamp per (key, window).
   * Lifetime: until the next flush (size bound, watermark or finish).
   */
  private transient Map<WindowedKey, Partial<K, AccumT>> table;

  public PartialCombineOperator(
      Coder<K> keyCoder,
      GlobalCombineFn<?, ?, ?> fn,
      TimestampCombiner timestampCombiner,
      SerializablePipelineOptions options,
      int maxEntries) {
    this.keyCoder = keyCoder;
    this.fn = fn;
    this.timestampCombiner = timestampCombiner;
    this.options = options;
    this.maxEntries = maxEntries;
  }

  @Override
  public void open(OperatorContext context, Output output) throws Exception {
    super.open(context, output);
    combineFn = CombineFns.bind(fn, options.get());
    table = new HashMap<>();
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(int input, Object value, long timestamp) throws Exception {
    WindowedValue<KV<K, InputT>> wv = (WindowedValue<KV<K, InputT>>) value;
    K key = wv.getValue().getKey();
    EncodedKey encoded = new EncodedKey(CoderUtils.encodeToByteArray(keyCoder, key));
    for (BoundedWindow window : wv.getWindows()) {
      Instant assigned = timestampCombiner.assign(window, wv.getTimestamp());
      Partial<K, AccumT> p = table.get(new WindowedKey(encoded, window));
      if (p == null) {
        p = new Partial<>(key, combineFn.createAccumulator(), assigned);
        table.put(new WindowedKey(encoded, window), p);
      } else {
        p.timestamp = timestampCombiner.combine(p.timestamp, assigned);
      }
      p.accumulator = combineFn.addInput(p.accumulator, wv.getValue().getValue());
    }
    if (table.size() > maxEntries) {
      flush();
    }
  }

  @Override
  protected void onWatermark(long watermark) throws Exception {
    flush();
    output.emitWatermark(watermark);
  }

  @Override
  public void finish() throws Exception {
    flush();
  }

  private void flush() {
    for (Map.Entry<WindowedKey, Partial<K, AccumT>> e : table.entrySet()) {
      Partial<K, AccumT> p = e.getValue();
      AccumT compacted = combineFn.compact(p.accumulator);
      output.emit(0, WindowedValue.of(KV.of(p.key, compacted), p.timestamp, e.getKey().window(), PaneInfo.NO_FIRING),
          p.timestamp.getMillis());
    }
    table.clear();
  }

  /** One (key, window)'s accumulator, mutable in place. */
  static final class Partial<K, A> {
    final K key;
    A accumulator;
    Instant timestamp;

    Partial(K key, A accumulator, Instant timestamp) {
      this.key = key;
      this.accumulator = accumulator;
      this.timestamp = timestamp;
    }
  }
}
