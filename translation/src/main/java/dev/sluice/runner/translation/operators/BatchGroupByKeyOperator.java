package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.sort.SpillingGrouper;
import dev.sluice.runner.translation.serde.KeyedBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.OutputWindowedValue;
import org.apache.beam.runners.core.ReduceFnRunner;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.core.triggers.ExecutableTriggerStateMachine;
import org.apache.beam.runners.core.triggers.TriggerStateMachines;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.util.construction.TriggerTranslation;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch GroupByKey: sort-based grouping of all input by encoded key, then Beam's windowing
 * semantics per key with runners-core's {@link ReduceFnRunner} (buffering reduce function,
 * in-memory state and timers). Windows of every kind (fixed, sliding, merging sessions, global),
 * triggers, timestamp combiners and allowed lateness behave as in Beam, with all input on time:
 * in batch the only watermark is +infinity at the end of input. Non-merging windows with the
 * default trigger take a direct path that groups per window without a ReduceFnRunner; a test
 * checks that it gives the same output.
 *
 * <p>Input: {@code WindowedValue<KV<K, V>>} behind a HASH edge on the encoded key, or, through a
 * {@code KeyedWindowedValueSerializer} exchange, {@link KeyedBytes} (key and windowed value
 * already encoded as the grouper keeps them, so they are not decoded and encoded again). Output
 * (port 0): {@code WindowedValue<KV<K, Iterable<V>>>}, keys in unsigned order of their encoding.
 *
 * <h3>Memory</h3>
 * The grouper spills sorted runs to {@link OperatorContext#tempDirectory()} once it holds more
 * than the memory budget, so the number of keys is unbounded. The values of ONE key, however,
 * are held in memory while its windows are reduced, and each output {@code Iterable} is a list
 * (Beam lets a GBK result be iterated more than once); a single key with more values than fit
 * in memory fails with an OutOfMemoryError.
 *
 * <h3>Lifecycle</h3>
 * {@code processElement} only buffers; watermarks below +infinity are held. At watermark
 * +infinity (or {@code finish}, whichever comes first) all groups are reduced and emitted, then
 * watermark +infinity is forwarded. Empty input emits nothing but the watermark.
 */
public final class BatchGroupByKeyOperator<K, V, W extends BoundedWindow> extends AbstractOperator {

  private static final Logger LOG = LoggerFactory.getLogger(BatchGroupByKeyOperator.class);

  private final Coder<K> keyCoder;
  private final Coder<V> valueCoder;
  private final WindowingStrategy<?, W> windowingStrategy;
  private final SerializablePipelineOptions options;
  /** Memory budget of the grouper in bytes; 0 or less means {@link OperatorContext#managedMemoryBytes()}. */
  private final long memoryBudgetOverride;
  /**
   * Non-merging windows with the default trigger: group per window directly, without a
   * ReduceFnRunner per key. Same result (one ON_TIME, only-firing pane per window, timestamp by
   * the TimestampCombiner), much less work per key.
   */
  private final boolean direct;
  /**
   * Other triggers built only of parts whose batch firing depends on element counts through
   * {@code AfterPane.elementCountAtLeast} alone (see {@link BatchTriggers}): windows with fewer
   * elements than this fire exactly as a window with one element would, so ReduceFnRunner runs
   * on one stand-in element per window and the panes get the window's real values. 0: never.
   */
  private final long proxyMaxCount;

  private transient Coder<WindowedValue<V>> windowedValueCoder;
  private transient ExecutableTriggerStateMachine triggerStateMachine;
  private transient SpillingGrouper grouper;
  private transient int spillCount;
  private transient boolean emitted;
  private transient long inputCount;
  /** Keys reduced through stand-ins, and keys reduced on all their values (tests). */
  private transient long proxiedKeys;
  private transient long exactKeys;

  public BatchGroupByKeyOperator(
      Coder<K> keyCoder, Coder<V> valueCoder, WindowingStrategy<?, W> windowingStrategy, SerializablePipelineOptions options) {
    this(keyCoder, valueCoder, windowingStrategy, options, 0);
  }

  /** With an explicit grouper memory budget (tests force spilling with a small one). */
  public BatchGroupByKeyOperator(
      Coder<K> keyCoder,
      Coder<V> valueCoder,
      WindowingStrategy<?, W> windowingStrategy,
      SerializablePipelineOptions options,
      long memoryBudgetOverride) {
    this(keyCoder, valueCoder, windowingStrategy, options, memoryBudgetOverride, true);
  }

  /** {@code allowDirectPath = false} forces the ReduceFnRunner path (tests compare the two). */
  BatchGroupByKeyOperator(
      Coder<K> keyCoder,
      Coder<V> valueCoder,
      WindowingStrategy<?, W> windowingStrategy,
      SerializablePipelineOptions options,
      long memoryBudgetOverride,
      boolean allowDirectPath) {
    this.direct = allowDirectPath && windowingStrategy.getTrigger() instanceof DefaultTrigger;
    this.proxyMaxCount = allowDirectPath && !direct ? BatchTriggers.countBelowWhichPanesAreCountFree(windowingStrategy.getTrigger()) : 0;
    this.keyCoder = keyCoder;
    this.valueCoder = valueCoder;
    this.windowingStrategy = windowingStrategy;
    this.options = options;
    this.memoryBudgetOverride = memoryBudgetOverride;
  }

  @Override
  public void open(OperatorContext context, Output output) throws Exception {
    super.open(context, output);
    windowedValueCoder = WindowedValue.getFullCoder(valueCoder, windowingStrategy.getWindowFn().windowCoder());
    triggerStateMachine = ExecutableTriggerStateMachine.create(
        TriggerStateMachines.stateMachineForTrigger(TriggerTranslation.toProto(windowingStrategy.getTrigger())));
    long budget = memoryBudgetOverride > 0 ? memoryBudgetOverride : context.managedMemoryBytes();
    grouper = new SpillingGrouper(context.tempDirectory(), budget);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(int input, Object value, long timestamp) throws Exception {
    inputCount++;
    if (value instanceof KeyedBytes keyed) {
      // Through a KeyedWindowedValueSerializer exchange: already the bytes the grouper keeps.
      grouper.add(keyed.key(), keyed.windowedValue());
      return;
    }
    WindowedValue<KV<K, V>> wv = (WindowedValue<KV<K, V>>) value;
    KV<K, V> kv = wv.getValue();
    byte[] key = encode(keyCoder, kv.getKey());
    byte[] windowedValue = encode(windowedValueCoder, wv.withValue(kv.getValue()));
    grouper.add(key, windowedValue);
  }

  /** Holds every watermark until all groups are out: output for any window may still follow. */
  @Override
  protected void onWatermark(long watermark) throws Exception {
    if (watermark == Watermarks.MAX) {
      emitAllGroups();
    }
  }

  @Override
  public void finish() throws Exception {
    emitAllGroups();
  }

  /** Keys whose panes came from stand-ins ({@code [0]}) and from all values ({@code [1]}). */
  long[] reducedKeys() {
    return new long[] {proxiedKeys, exactKeys};
  }

  /** How often the grouper spilled to disk (known once all groups were emitted). */
  int spillCount() {
    return spillCount;
  }

  @Override
  public void close() throws Exception {
    if (grouper != null) {
      grouper.close();
      grouper = null;
    }
  }

  private void emitAllGroups() throws Exception {
    if (emitted) {
      return;
    }
    emitted = true;
    long keys = 0;
    try (SpillingGrouper.GroupCursor cursor = grouper.groups()) {
      while (cursor.next()) {
        K key = decode(keyCoder, cursor.key());
        List<WindowedValue<V>> values = new ArrayList<>();
        for (Iterator<byte[]> it = cursor.values(); it.hasNext(); ) {
          values.add(decode(windowedValueCoder, it.next()));
        }
        if (direct) {
          groupPerWindow(key, values);
        } else if (proxyMaxCount > 0) {
          reduceByProxy(key, values);
        } else {
          reduce(key, values);
        }
        keys++;
      }
    }
    spillCount = grouper.spillCount();
    long spilledBytes = grouper.spilledBytes();
    grouper.close();
    grouper = null;
    LOG.debug("{} grouped {} values into {} keys; spilled {} times, {} bytes",
        context.taskName(), inputCount, keys, spillCount, spilledBytes);
    output.emitWatermark(Watermarks.MAX);
  }

  /**
   * The direct path: one pane per (merged) window, values in arrival order. Merging windows
   * are merged once over all windows of the key, as ReduceFnRunner does when it gets all
   * values of a key in one call; each value's hold is then assigned in its merged window.
   */
  private void groupPerWindow(K key, List<WindowedValue<V>> values) throws Exception {
    for (Map.Entry<W, WindowGroup<V>> e : windowGroups(values).entrySet()) {
      emitPane(key, e.getKey(), e.getValue().values, e.getValue().timestamp, PaneInfo.ON_TIME_AND_ONLY_FIRING);
    }
  }

  @SuppressWarnings("unchecked")
  private void emitPane(K key, BoundedWindow window, List<V> values, Instant ts, PaneInfo pane) {
    output.emit(0, WindowedValue.of(KV.of(key, (Iterable<V>) values), ts, window, pane), ts.getMillis());
  }

  /** The values of one key grouped by (merged) window, with each group's combined timestamp. */
  @SuppressWarnings("unchecked")
  private Map<W, WindowGroup<V>> windowGroups(List<WindowedValue<V>> values) throws Exception {
    TimestampCombiner timestampCombiner = windowingStrategy.getTimestampCombiner();
    Map<W, W> merged = mergeResults(values);
    Map<W, WindowGroup<V>> windows = new LinkedHashMap<>();
    for (WindowedValue<V> wv : values) {
      for (BoundedWindow assignedWindow : wv.getWindows()) {
        W window = merged.getOrDefault((W) assignedWindow, (W) assignedWindow);
        Instant assigned = timestampCombiner.assign(window, wv.getTimestamp());
        WindowGroup<V> group = windows.get(window);
        if (group == null) {
          windows.put(window, group = new WindowGroup<>(assigned, wv.getTimestamp()));
        } else {
          group.timestamp = timestampCombiner.combine(group.timestamp, assigned);
          group.add(wv.getTimestamp());
        }
        group.values.add(wv.getValue());
      }
    }
    return windows;
  }

  /** Window -> the window it merges into, for the windows that merge (empty for non-merging windows). */
  @SuppressWarnings("unchecked")
  private Map<W, W> mergeResults(List<WindowedValue<V>> values) throws Exception {
    WindowFn<Object, W> windowFn = (WindowFn<Object, W>) windowingStrategy.getWindowFn();
    if (windowFn.isNonMerging()) {
      return Map.of();
    }
    Set<W> all = new HashSet<>();
    for (WindowedValue<V> wv : values) {
      for (BoundedWindow w : wv.getWindows()) {
        all.add((W) w);
      }
    }
    Map<W, W> result = new HashMap<>();
    windowFn.mergeWindows(windowFn.new MergeContext() {
      @Override
      public Collection<W> windows() {
        return all;
      }

      @Override
      public void merge(Collection<W> toBeMerged, W mergeResult) {
        for (W w : toBeMerged) {
          result.put(w, mergeResult);
        }
      }
    });
    return result;
  }

  /**
   * Triggers other than the default one (see {@link #proxyMaxCount}): when every window of the
   * key holds fewer than {@code proxyMaxCount} values, ReduceFnRunner runs on one stand-in per
   * window (with the timestamp that gives the same watermark hold) and each pane it fires gets
   * the window's values (or stays empty); otherwise it runs on all values.
   */
  private void reduceByProxy(K key, List<WindowedValue<V>> values) throws Exception {
    Map<W, WindowGroup<V>> groups = windowGroups(values);
    List<WindowedValue<V>> proxies = new ArrayList<>(groups.size());
    TimestampCombiner timestampCombiner = windowingStrategy.getTimestampCombiner();
    for (Map.Entry<W, WindowGroup<V>> e : groups.entrySet()) {
      WindowGroup<V> group = e.getValue();
      if (group.values.size() >= proxyMaxCount) {
        reduce(key, values);
        return;
      }
      Instant proxyTimestamp = timestampCombiner == TimestampCombiner.LATEST ? group.latest : group.earliest;
      proxies.add(WindowedValue.of(group.values.get(0), proxyTimestamp, e.getKey(), PaneInfo.NO_FIRING));
    }
    List<WindowedValue<KV<K, Iterable<V>>>> panes = new ArrayList<>();
    runReduceFn(key, proxies, new OutputWindowedValue<KV<K, Iterable<V>>>() {
      @Override
      public void outputWindowedValue(
          KV<K, Iterable<V>> value, Instant timestamp, Collection<? extends BoundedWindow> windows, PaneInfo pane) {
        panes.add(WindowedValue.of(value, timestamp, windows, pane));
      }

      @Override
      public <T> void outputWindowedValue(
          TupleTag<T> tag, T value, Instant timestamp, Collection<? extends BoundedWindow> windows, PaneInfo pane) {
        throw new IllegalStateException("GroupByKey has no additional outputs, got one for " + tag);
      }
    });
    for (WindowedValue<KV<K, Iterable<V>>> pane : panes) {
      if (pane.getWindows().size() != 1 || !groups.containsKey(pane.getWindows().iterator().next())) {
        // The stand-ins merged further than the values did (a WindowFn whose merge results
        // merge again): not the same computation, so take the exact one.
        reduce(key, values);
        return;
      }
    }
    proxiedKeys++;
    for (WindowedValue<KV<K, Iterable<V>>> pane : panes) {
      @SuppressWarnings("unchecked")
      W window = (W) pane.getWindows().iterator().next();
      boolean empty = !pane.getValue().getValue().iterator().hasNext();
      emitPane(key, window, empty ? new ArrayList<>() : groups.get(window).values, pane.getTimestamp(), pane.getPane());
    }
  }

  /** Values of one key in one window, and their combined output timestamp. */
  private static final class WindowGroup<V> {
    final List<V> values = new ArrayList<>();
    Instant timestamp;
    /** Earliest and latest element timestamps. */
    Instant earliest;
    Instant latest;

    WindowGroup(Instant timestamp, Instant elementTimestamp) {
      this.timestamp = timestamp;
      this.earliest = elementTimestamp;
      this.latest = elementTimestamp;
    }

    void add(Instant elementTimestamp) {
      if (elementTimestamp.isBefore(earliest)) {
        earliest = elementTimestamp;
      }
      if (elementTimestamp.isAfter(latest)) {
        latest = elementTimestamp;
      }
    }
  }

  /** Runs Beam's windowing for one key: all values on time, then the watermark to the end of time. */
  private void reduce(K key, List<WindowedValue<V>> values) throws Exception {
    exactKeys++;
    runReduceFn(key, values, new PaneEmitter<>(output));
  }

  private void runReduceFn(K key, List<WindowedValue<V>> values, OutputWindowedValue<KV<K, Iterable<V>>> emitter)
      throws Exception {
    InMemoryTimerInternals timerInternals = new InMemoryTimerInternals();
    ReduceFnRunner<K, V, Iterable<V>, W> runner = new ReduceFnRunner<>(
        key,
        windowingStrategy,
        triggerStateMachine,
        InMemoryStateInternals.forKey(key),
        timerInternals,
        emitter,
        NullSideInputReader.empty(),
        SystemReduceFn.buffering(valueCoder),
        options.get());
    runner.processElements(values);
    timerInternals.advanceInputWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    fireEligibleTimers(timerInternals, runner);
    timerInternals.advanceProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
    timerInternals.advanceSynchronizedProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
    fireEligibleTimers(timerInternals, runner);
    runner.persist();
  }

  /** Fires timers until none is due; firing may set new ones (e.g. garbage collection after end of window). */
  private static void fireEligibleTimers(InMemoryTimerInternals timers, ReduceFnRunner<?, ?, ?, ?> runner) throws Exception {
    while (true) {
      List<TimerData> due = new ArrayList<>();
      TimerData t;
      while ((t = timers.removeNextEventTimer()) != null) {
        due.add(t);
      }
      while ((t = timers.removeNextProcessingTimer()) != null) {
        due.add(t);
      }
      while ((t = timers.removeNextSynchronizedProcessingTimer()) != null) {
        due.add(t);
      }
      if (due.isEmpty()) {
        return;
      }
      runner.onTimers(due);
    }
  }

  /**
   * Keys and values are stored in the nested context: self-delimiting, so decoding reads exactly
   * the encoded length into one array. (The outer context of e.g. StringUtf8Coder reads "to the
   * end of the stream" through a growing buffer, which for a 100 MB key costs several copies.)
   * Equal keys still have equal encodings, since key coders are deterministic.
   */
  private static <T> byte[] encode(Coder<T> coder, T value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    coder.encode(value, out);
    return out.toByteArray();
  }

  private static <T> T decode(Coder<T> coder, byte[] bytes) throws IOException {
    return coder.decode(new ByteArrayInputStream(bytes));
  }
}
