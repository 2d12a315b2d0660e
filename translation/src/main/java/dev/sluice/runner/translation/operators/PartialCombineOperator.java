package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.api.Watermarks;
import java.util.HashMap;
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
import org.joda.time.Instant;

/**
 * Pre-shuffle half of Combine.perKey: folds inputs into one accumulator per (key, window)
 * before the HASH exchange, so the network carries at most one partial accumulator per key and
 * window per flush instead of every input. Chained after the producer (FORWARD).
 *
 * <p>Input: {@code WindowedValue<KV<K, InputT>>}. Output (port 0): one
 * {@code WindowedValue<KV<K, AccumT>>} per (key, window) in that single window; its timestamp is
 * the windowing strategy's {@link TimestampCombiner} over the inputs' timestamps (already
 * assigned to the window), so the receiving side can merge it further. With a merging
 * {@code WindowFn} ({@link #forWindows}) each key's windows are merged here as far as
 * this subtask's inputs allow ({@link MergingWindowAccumulators}); the final combine merges again.
 *
 * <h3>When partials are emitted (flushed)</h3>
 * <ul>
 *   <li>when the table holds more than {@code maxEntries} (key, window) pairs (memory bound; a key
 *       may then be emitted several times, which the receiving side merges);
 *   <li>before a watermark is forwarded that passes the earliest timestamp held: downstream, no
 *       partial ever arrives behind a watermark that its inputs did not arrive behind (so nothing
 *       becomes late or loses its watermark hold by waiting here). With the default
 *       {@code END_OF_WINDOW} timestamps that is only when a window's end passes, so the
 *       frequent watermarks of a streaming source do not defeat the combining;
 *   <li>streaming ({@code flushIntervalMillis > 0}): once {@code flushIntervalMillis} of processing
 *       time has passed since the first input held, so triggered panes downstream are late by at
 *       most that much; on synthetic processing time (TestStream) before processing time moves at
 *       all, so every pane is what it would be without this operator;
 *   <li>at the end of input ({@code finish}).
 * </ul>
 * An input in a window that has already expired by the input watermark (late data) is passed on
 * at once as a partial of its own, so that late panes fire per late input as they would without
 * this operator.
 */
public final class PartialCombineOperator<K, InputT, AccumT> extends AbstractOperator {

  /** Default bound on (key, window) entries held before flushing. */
  public static final int DEFAULT_MAX_ENTRIES = 10_000;

  private final Coder<K> keyCoder;
  private final GlobalCombineFn<?, ?, ?> fn;
  private final TimestampCombiner timestampCombiner;
  private final SerializablePipelineOptions options;
  private final int maxEntries;
  private final long flushIntervalMillis;
  /** Non-null when windows merge: the WindowFn that merges them. */
  private final WindowFn<?, ?> mergingWindowFn;

  private transient CombineFn<InputT, AccumT, ?> combineFn;
  private transient boolean keyConsistentWithEquals;
  /**
   * Accumulators being built. State: one accumulator and combined timestamp per (key, window).
   * Lifetime: until the next flush.
   */
  private transient Map<WindowedKey, Partial<K, AccumT>> table;
  /** Merging windows: per key (structural value), its windows' accumulators. */
  private transient Map<Object, MergingWindowAccumulators<K, AccumT>> mergingTable;
  /** Merging windows: entries held over all keys. */
  private transient int mergingEntries;
  /** A lower bound of the timestamps of the partials held; MAX when none is held. */
  private transient long earliestHeld;
  private transient ProcessingTimeService.Cancellable flushTimer;

  /** Batch: flushed on size, before watermarks and at the end of input only. */
  public PartialCombineOperator(
      Coder<K> keyCoder,
      GlobalCombineFn<?, ?, ?> fn,
      TimestampCombiner timestampCombiner,
      SerializablePipelineOptions options,
      int maxEntries) {
    this(keyCoder, fn, timestampCombiner, options, maxEntries, 0);
  }

  /**
   * @param flushIntervalMillis streaming: processing time (ms) after which held partials are
   *     emitted; 0 or less: never on time (batch)
   */
  public PartialCombineOperator(
      Coder<K> keyCoder,
      GlobalCombineFn<?, ?, ?> fn,
      TimestampCombiner timestampCombiner,
      SerializablePipelineOptions options,
      int maxEntries,
      long flushIntervalMillis) {
    this(keyCoder, fn, timestampCombiner, options, maxEntries, flushIntervalMillis, null);
  }

  private PartialCombineOperator(
      Coder<K> keyCoder,
      GlobalCombineFn<?, ?, ?> fn,
      TimestampCombiner timestampCombiner,
      SerializablePipelineOptions options,
      int maxEntries,
      long flushIntervalMillis,
      WindowFn<?, ?> mergingWindowFn) {
    this.keyCoder = keyCoder;
    this.fn = fn;
    this.timestampCombiner = timestampCombiner;
    this.options = options;
    this.maxEntries = maxEntries;
    this.flushIntervalMillis = flushIntervalMillis;
    this.mergingWindowFn = mergingWindowFn;
  }

  /**
   * For inputs windowed by {@code windowFn}: merges each key's windows here if {@code windowFn}
   * merges them (e.g. sessions), else the plain per-(key, window) table.
   *
   * @param flushIntervalMillis as for the constructor: 0 in batch
   */
  public static <K, InputT, AccumT> PartialCombineOperator<K, InputT, AccumT> forWindows(
      Coder<K> keyCoder,
      GlobalCombineFn<?, ?, ?> fn,
      TimestampCombiner timestampCombiner,
      SerializablePipelineOptions options,
      int maxEntries,
      long flushIntervalMillis,
      WindowFn<?, ?> windowFn) {
    return new PartialCombineOperator<>(keyCoder, fn, timestampCombiner, options, maxEntries, flushIntervalMillis,
        windowFn.isNonMerging() ? null : windowFn);
  }

  @Override
  public void open(OperatorContext context, Output output) throws Exception {
    super.open(context, output);
    combineFn = CombineFns.bind(fn, options.get());
    keyConsistentWithEquals = keyCoder.consistentWithEquals();
    table = new HashMap<>();
    mergingTable = new HashMap<>();
    earliestHeld = Watermarks.MAX;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(int input, Object value, long timestamp) throws Exception {
    WindowedValue<KV<K, InputT>> wv = (WindowedValue<KV<K, InputT>>) value;
    K key = wv.getValue().getKey();
    if (mergingWindowFn != null) {
      processMerging(wv, key);
    } else {
      processNonMerging(wv, key);
    }
    if (table.size() + mergingEntries > maxEntries) {
      flush();
    } else if (flushIntervalMillis > 0 && flushTimer == null && (!table.isEmpty() || mergingEntries > 0)) {
      scheduleFlush();
    }
  }

  private void processNonMerging(WindowedValue<KV<K, InputT>> wv, K key) throws Exception {
    Object structuralKey = null;
    for (BoundedWindow window : wv.getWindows()) {
      Instant assigned = timestampCombiner.assign(window, wv.getTimestamp());
      if (window.maxTimestamp().getMillis() < currentInputWatermark()) {
        emitLate(key, wv.getValue().getValue(), assigned, window);
        continue;
      }
      if (structuralKey == null) {
        structuralKey = WindowedKey.structural(keyCoder, keyConsistentWithEquals, key);
      }
      WindowedKey windowedKey = new WindowedKey(structuralKey, window);
      Partial<K, AccumT> p = table.get(windowedKey);
      if (p == null) {
        p = new Partial<>(key, combineFn.createAccumulator(), assigned);
        table.put(windowedKey, p);
      } else {
        p.timestamp = timestampCombiner.combine(p.timestamp, assigned);
      }
      earliestHeld = Math.min(earliestHeld, assigned.getMillis());
      p.accumulator = combineFn.addInput(p.accumulator, wv.getValue().getValue());
    }
  }

  private void processMerging(WindowedValue<KV<K, InputT>> wv, K key) throws Exception {
    Object structuralKey = WindowedKey.structural(keyCoder, keyConsistentWithEquals, key);
    MergingWindowAccumulators<K, AccumT> windows = null;
    for (BoundedWindow window : wv.getWindows()) {
      Instant assigned = timestampCombiner.assign(window, wv.getTimestamp());
      if (window.maxTimestamp().getMillis() < currentInputWatermark()) {
        emitLate(key, wv.getValue().getValue(), assigned, window); // may still extend an open session downstream
        continue;
      }
      if (windows == null) {
        windows = MergingWindowAccumulators.forKey(mergingTable, structuralKey, key);
      }
      MergingWindowAccumulators.Entry<AccumT> entry = windows.get(window);
      if (entry == null) {
        entry = new MergingWindowAccumulators.Entry<>(combineFn.createAccumulator(), assigned);
        windows.put(window, entry);
        mergingEntries++;
      } else {
        entry.timestamp = timestampCombiner.combine(entry.timestamp, assigned);
      }
      entry.accumulator = combineFn.addInput(entry.accumulator, wv.getValue().getValue());
      earliestHeld = Math.min(earliestHeld, assigned.getMillis());
    }
    if (windows != null) {
      mergingEntries += windows.mergeIfGrown(mergingWindowFn, combineFn, timestampCombiner);
    }
  }

  private void emitLate(K key, InputT input, Instant timestamp, BoundedWindow window) {
    AccumT accumulator = combineFn.compact(combineFn.addInput(combineFn.createAccumulator(), input));
    output.emit(0, WindowedValue.of(KV.of(key, accumulator), timestamp, window, PaneInfo.NO_FIRING), timestamp.getMillis());
  }

  private void scheduleFlush() {
    ProcessingTimeService time = context.processingTimeService();
    long delay = time.synthetic() ? 1 : flushIntervalMillis;
    flushTimer = time.registerTimer(time.currentTime() + delay, now -> {
      flushTimer = null;
      flush();
    });
  }

  @Override
  protected void onWatermark(long watermark) throws Exception {
    if (earliestHeld < watermark) {
      flush();
    }
    output.emitWatermark(watermark);
  }

  @Override
  public void finish() throws Exception {
    flush();
  }

  @Override
  public void close() throws Exception {
    if (flushTimer != null) {
      flushTimer.cancel();
      flushTimer = null;
    }
  }

  private void flush() throws Exception {
    flushMerging();
    for (Map.Entry<WindowedKey, Partial<K, AccumT>> e : table.entrySet()) {
      Partial<K, AccumT> p = e.getValue();
      AccumT compacted = combineFn.compact(p.accumulator);
      output.emit(0, WindowedValue.of(KV.of(p.key, compacted), p.timestamp, e.getKey().window(), PaneInfo.NO_FIRING),
          p.timestamp.getMillis());
    }
    table.clear();
    earliestHeld = Watermarks.MAX;
  }

  private void flushMerging() throws Exception {
    if (mergingTable.isEmpty()) {
      return;
    }
    for (MergingWindowAccumulators<K, AccumT> windows : mergingTable.values()) {
      windows.mergeAll(mergingWindowFn, combineFn, timestampCombiner);
      for (Map.Entry<BoundedWindow, MergingWindowAccumulators.Entry<AccumT>> e : windows.entries().entrySet()) {
        MergingWindowAccumulators.Entry<AccumT> entry = e.getValue();
        output.emit(0, WindowedValue.of(KV.of(windows.key(), combineFn.compact(entry.accumulator)), entry.timestamp,
            e.getKey(), PaneInfo.NO_FIRING), entry.timestamp.getMillis());
      }
    }
    mergingTable.clear();
    mergingEntries = 0;
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
