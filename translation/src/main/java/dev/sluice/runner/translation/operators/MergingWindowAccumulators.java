package dev.sluice.runner.translation.operators;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.joda.time.Instant;

/**
 * The accumulators of one key in merging windows (e.g. sessions), one per window, merged as the
 * {@link WindowFn} merges their windows: the lifted combine's unit of work when windows merge.
 * Merging is incremental, as a GroupByKey merges active windows as elements arrive: windows merged
 * here (by one pre-combining subtask) merge again with other subtasks' after the shuffle, and the
 * result is the same as merging all at once. Accumulators of merged windows are merged with the
 * combine function; their timestamps with {@link TimestampCombiner#merge} into the merged window
 * (END_OF_WINDOW: its end; EARLIEST/LATEST: over the parts).
 *
 * <p>Merging runs on demand ({@link #mergeIfGrown}) once the windows doubled since the last merge,
 * so that its cost (the WindowFn sorts the windows) is amortized over the inputs; and before the
 * entries are read ({@link #mergeAll}). Not thread-safe (mailbox thread).
 */
final class MergingWindowAccumulators<K, A> {

  /** One window's accumulator and timestamp, mutable in place. */
  static final class Entry<A> {
    A accumulator;
    Instant timestamp;

    Entry(A accumulator, Instant timestamp) {
      this.accumulator = accumulator;
      this.timestamp = timestamp;
    }
  }

  private final K key;
  private final Map<BoundedWindow, Entry<A>> byWindow = new LinkedHashMap<>();
  private int sizeAfterMerge;

  MergingWindowAccumulators(K key) {
    this.key = key;
  }

  /** The accumulators of {@code key} (by its structural value) in {@code table}, created if absent. */
  static <K, A> MergingWindowAccumulators<K, A> forKey(
      Map<Object, MergingWindowAccumulators<K, A>> table, Object structuralKey, K key) {
    MergingWindowAccumulators<K, A> windows = table.get(structuralKey);
    if (windows == null) {
      windows = new MergingWindowAccumulators<>(key);
      table.put(structuralKey, windows);
    }
    return windows;
  }

  K key() {
    return key;
  }

  /** The entry of exactly {@code window}, or null. */
  Entry<A> get(BoundedWindow window) {
    return byWindow.get(window);
  }

  void put(BoundedWindow window, Entry<A> entry) {
    byWindow.put(window, entry);
  }

  int size() {
    return byWindow.size();
  }

  Map<BoundedWindow, Entry<A>> entries() {
    return byWindow;
  }

  /** Merges if the windows at least doubled (plus a few) since the last merge; returns the size change. */
  int mergeIfGrown(WindowFn<?, ?> windowFn, CombineFn<?, A, ?> fn, TimestampCombiner timestampCombiner) throws Exception {
    if (byWindow.size() <= 2 * sizeAfterMerge + 8) {
      return 0;
    }
    return mergeAll(windowFn, fn, timestampCombiner);
  }

  /** Merges all windows the WindowFn merges; returns the size change (zero or negative). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  int mergeAll(WindowFn<?, ?> windowFn, CombineFn<?, A, ?> fn, TimestampCombiner timestampCombiner) throws Exception {
    int before = byWindow.size();
    List<Collection<BoundedWindow>> groups = new ArrayList<>();
    List<BoundedWindow> results = new ArrayList<>();
    // Merges are collected first and applied after: the WindowFn iterates over windows().
    WindowFn raw = windowFn;
    raw.mergeWindows(raw.new MergeContext() {
      @Override
      public Collection<BoundedWindow> windows() {
        return byWindow.keySet();
      }

      @Override
      public void merge(Collection toBeMerged, BoundedWindow mergeResult) {
        groups.add(new ArrayList<BoundedWindow>(toBeMerged));
        results.add(mergeResult);
      }
    });
    for (int i = 0; i < groups.size(); i++) {
      BoundedWindow result = results.get(i);
      List<A> accumulators = new ArrayList<>();
      List<Instant> timestamps = new ArrayList<>();
      for (BoundedWindow w : groups.get(i)) {
        collect(byWindow.remove(w), accumulators, timestamps);
      }
      collect(byWindow.remove(result), accumulators, timestamps);
      if (!accumulators.isEmpty()) {
        byWindow.put(result, new Entry<>(fn.mergeAccumulators(accumulators), timestampCombiner.merge(result, timestamps)));
      }
    }
    sizeAfterMerge = byWindow.size();
    return sizeAfterMerge - before;
  }

  private static <A> void collect(Entry<A> entry, List<A> accumulators, List<Instant> timestamps) {
    if (entry != null) {
      accumulators.add(entry.accumulator);
      timestamps.add(entry.timestamp);
    }
  }
}
