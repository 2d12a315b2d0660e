package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.state.heap.HeapKeyedStateBackend;
import dev.sluice.engine.state.heap.HeapKeyedStateBackendBuilder;
import dev.sluice.runner.translation.metrics.MetricsAccumulator;
import dev.sluice.runner.translation.serde.EncodedKey;
import dev.sluice.runner.translation.serde.EncodedKeySerializer;
import dev.sluice.runner.translation.serde.KeyedElement;
import dev.sluice.runner.translation.state.SluiceStateInternals;
import dev.sluice.runner.translation.state.SluiceTimerInternals;
import dev.sluice.runner.translation.state.WatermarkHoldTracker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.core.LateDataDroppingDoFnRunner;
import org.apache.beam.runners.core.LateDataUtils;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.ReduceFnRunner;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.core.metrics.CounterCell;
import org.apache.beam.runners.core.triggers.ExecutableTriggerStateMachine;
import org.apache.beam.runners.core.triggers.TriggerStateMachines;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.SetCoder;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.AppliedCombineFn;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.util.construction.TriggerTranslation;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * Streaming GroupByKey: Beam's windowing per key with runners-core {@link ReduceFnRunner}
 * (buffering reduce function, trigger state machines) over the engine's keyed state and timers
 * ({@link SluiceStateInternals}, {@link SluiceTimerInternals} on a heap keyed state backend for
 * the subtask's key groups). Panes fire as the watermark and processing time pass the triggers'
 * timers, so output is incremental: early, on-time and late panes as the trigger says.
 *
 * <p>Input: {@code WindowedValue<KV<K, V>>} behind a HASH edge on the encoded key
 * ({@code KvKeySelector}: the same encoding keys the backend), or the same as a
 * {@link KeyedElement} from a {@code KeyedStreamSerializer} exchange (key bytes included). Output (port 0):
 * {@code WindowedValue<KV<K, Iterable<V>>>}; or, for a Combine.perKey ({@link #combining}),
 * {@code WindowedValue<KV<K, OutputT>>}: then the reduce function keeps one accumulator per key
 * and window ({@link SystemReduceFn#combining}) instead of a bag of all values, so an element
 * costs one {@code addInput} and merging windows (sessions) merge accumulators instead of
 * copying every buffered value into the merged window's bag.
 *
 * <p>Late data: elements whose windows are already expired (past end of window plus allowed
 * lateness at the input watermark) are dropped and counted in the Beam counter
 * {@code LateDataDroppingDoFnRunner/droppedDueToLateness} of this step.
 *
 * <p>Output watermark: after the input watermark advanced and the due event-time timers fired,
 * the operator emits min(input watermark, earliest watermark hold of all keys); holds are
 * tracked in a {@link WatermarkHoldTracker} as they change, so this costs O(log holds).
 * (ReduceFnRunner's timers do not hold it: the reduce function's holds cover its output.) At
 * input watermark +infinity all windows have fired and +infinity is forwarded.
 *
 * <h3>Lifecycle and threading</h3>
 * Mailbox thread only. {@code open} builds the state backend (empty: this operator is not
 * restored from snapshots yet); processing-time timers fire from the task's processing time
 * service; {@code close} releases the backend.
 */
public final class StreamingGroupByKeyOperator<K, V, W extends BoundedWindow> extends AbstractOperator {

  /** Runners kept per subtask; more keys than this rebuild theirs as before. */
  private static final int MAX_CACHED_RUNNERS = 4096;

  private final String stepName;
  private final Coder<K> keyCoder;
  private final Coder<V> valueCoder;
  private final WindowingStrategy<?, W> windowingStrategy;
  private final SerializablePipelineOptions options;
  /** The combine of a Combine.perKey; null for a GroupByKey (buffering all values). */
  private final AppliedCombineFn<K, V, ?, ?> combineFn;

  private transient HeapKeyedStateBackend<EncodedKey> backend;
  private transient SluiceStateInternals<K> stateInternals;
  private transient SluiceTimerInternals timerInternals;
  private transient ExecutableTriggerStateMachine triggerStateMachine;
  private transient SystemReduceFn<K, V, ?, ?, W> reduceFn;
  private transient CounterCell droppedDueToLateness;
  private transient long emittedWatermark;
  private transient long allowedLatenessMillis;
  /**
   * ReduceFnRunners by key, oldest first, so that an element or timer does not build a new one:
   * building one reads and deep-copies the key's whole active-window set (merging windows),
   * which made each element cost O(windows of its key). See {@link #runner}. Insertion order,
   * not access order: a lookup then writes nothing (relinking the entry on every element cost
   * as much as the lookup), and a key evicted while still in use costs one rebuild per
   * {@value #MAX_CACHED_RUNNERS} new keys.
   */
  private transient LinkedHashMap<EncodedKey, CachedRunner<K, V, W>> runners;
  /** The state tag under which MergingActiveWindowSet keeps a key's windows (merging windows only). */
  private transient StateTag<ValueState<Map<W, Set<W>>>> activeWindowsTag;

  public StreamingGroupByKeyOperator(
      String stepName,
      Coder<K> keyCoder,
      Coder<V> valueCoder,
      WindowingStrategy<?, W> windowingStrategy,
      SerializablePipelineOptions options) {
    this(stepName, keyCoder, valueCoder, windowingStrategy, options, null);
  }

  private StreamingGroupByKeyOperator(
      String stepName,
      Coder<K> keyCoder,
      Coder<V> valueCoder,
      WindowingStrategy<?, W> windowingStrategy,
      SerializablePipelineOptions options,
      AppliedCombineFn<K, V, ?, ?> combineFn) {
    this.stepName = stepName;
    this.keyCoder = keyCoder;
    this.valueCoder = valueCoder;
    this.windowingStrategy = windowingStrategy;
    this.options = options;
    this.combineFn = combineFn;
  }

  /**
   * A streaming Combine.perKey without side inputs: a GroupByKey whose reduce function combines
   * each pane's values into an accumulator as they arrive. Output: {@code KV<K, OutputT>}.
   */
  public static <K, V, W extends BoundedWindow> StreamingGroupByKeyOperator<K, V, W> combining(
      String stepName,
      Coder<K> keyCoder,
      Coder<V> valueCoder,
      AppliedCombineFn<K, V, ?, ?> combineFn,
      WindowingStrategy<?, W> windowingStrategy,
      SerializablePipelineOptions options) {
    return new StreamingGroupByKeyOperator<>(stepName, keyCoder, valueCoder, windowingStrategy, options, combineFn);
  }

  @Override
  public void open(OperatorContext context, Output output) throws Exception {
    super.open(context, output);
    backend = new HeapKeyedStateBackendBuilder<>(
        new EncodedKeySerializer(), context.maxParallelism(), context.keyGroupRange())
        .setName(context.taskName())
        .build();
    stateInternals = new SluiceStateInternals<>(backend, keyCoder, new WatermarkHoldTracker());
    // Only the state's holds count: ReduceFnRunner holds the watermark explicitly for what it
    // will emit, and its processing-time timers carry wall-clock "output timestamps" that must
    // not hold event time.
    timerInternals = new SluiceTimerInternals(
        backend, windowingStrategy.getWindowFn().windowCoder(), context.processingTimeService());
    timerInternals.setHandler(this::onTimer);
    triggerStateMachine = ExecutableTriggerStateMachine.create(
        TriggerStateMachines.stateMachineForTrigger(TriggerTranslation.toProto(windowingStrategy.getTrigger())));
    reduceFn = combineFn == null ? SystemReduceFn.buffering(valueCoder) : SystemReduceFn.combining(keyCoder, combineFn);
    droppedDueToLateness = context.accumulator(MetricsAccumulator.NAME, MetricsAccumulator::new)
        .stepMap()
        .getContainer(stepName)
        .getCounter(MetricName.named(LateDataDroppingDoFnRunner.class, LateDataDroppingDoFnRunner.DROPPED_DUE_TO_LATENESS));
    emittedWatermark = Watermarks.MIN;
    allowedLatenessMillis = windowingStrategy.getAllowedLateness().getMillis();
    runners = new LinkedHashMap<>(256, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<EncodedKey, CachedRunner<K, V, W>> eldest) {
        return size() > MAX_CACHED_RUNNERS;
      }
    };
    Coder<W> windowCoder = windowingStrategy.getWindowFn().windowCoder();
    activeWindowsTag = windowingStrategy.getWindowFn().isNonMerging()
        ? null
        : StateTags.makeSystemTagInternal(StateTags.value("tree", MapCoder.of(windowCoder, SetCoder.of(windowCoder))));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(int input, Object value, long timestamp) throws Exception {
    K key;
    EncodedKey encodedKey;
    WindowedValue<V> element;
    if (value instanceof KeyedElement keyed) {
      // Through a KeyedStreamSerializer exchange: the key's bytes came with it.
      key = (K) keyed.key();
      encodedKey = keyed.encodedKey();
      element = (WindowedValue<V>) keyed.value();
    } else {
      WindowedValue<KV<K, V>> wv = (WindowedValue<KV<K, V>>) value;
      key = wv.getValue().getKey();
      encodedKey = new EncodedKey(CoderUtils.encodeToByteArray(keyCoder, key));
      element = wv.withValue(wv.getValue().getValue());
    }
    CachedRunner<K, V, W> cached = runners.get(encodedKey);
    if (cached != null) {
      // The key's state and timers were stored under this instance: identical keys compare
      // without looking at their bytes in every state and timer lookup of the element.
      encodedKey = cached.encodedKey;
    }
    backend.setCurrentKey(encodedKey);
    timerInternals.onInput();
    Iterable<WindowedValue<V>> onTime = inOneLiveWindow(element)
        ? List.of(element)
        : LateDataUtils.dropExpiredWindows(
            key, List.of(element), timerInternals, windowingStrategy, droppedDueToLateness);
    if (onTime.iterator().hasNext()) {
      CachedRunner<K, V, W> runner = cached != null ? cached : runner(key, encodedKey);
      runner.runner.processElements(onTime);
      persist(runner, encodedKey);
    }
    timerInternals.scheduleProcessingTimeWakeUp();
  }

  /**
   * Whether the element is in one window that is not expired, i.e. {@link
   * LateDataUtils#dropExpiredWindows} would pass it on as it is: the common case, checked
   * without that method's iterator views and exploded copy. False sends it the slow way.
   */
  private boolean inOneLiveWindow(WindowedValue<V> element) {
    if (element.getWindows().size() != 1) {
      return false;
    }
    long maxTimestamp = element.getWindows().iterator().next().maxTimestamp().getMillis();
    long expiresAfter;
    try {
      expiresAfter = Math.addExact(maxTimestamp, allowedLatenessMillis);
    } catch (ArithmeticException e) {
      return false;
    }
    return expiresAfter >= timerInternals.currentInputWatermarkTime().getMillis();
  }

  /** A timer of the current key fired (event time from onWatermark, processing time from a callback). */
  private void onTimer(TimerData timer) throws Exception {
    EncodedKey encodedKey = backend.getCurrentKey();
    CachedRunner<K, V, W> runner = runner(stateInternals.getKey(), encodedKey);
    runner.runner.onTimers(List.of(timer));
    persist(runner, encodedKey);
  }

  /** The key's cached runner, or a new one (the backend's current key must be {@code encodedKey}). */
  private CachedRunner<K, V, W> runner(K key, EncodedKey encodedKey) {
    CachedRunner<K, V, W> cached = runners.get(encodedKey);
    if (cached == null) {
      // MergingActiveWindowSet works on the object it reads, when there is one.
      Map<W, Set<W>> stored = activeWindowsTag == null ? null : activeWindows().read();
      cached = new CachedRunner<>(encodedKey, newRunner(key), stored);
      runners.put(encodedKey, cached);
    }
    return cached;
  }

  /**
   * What {@code runner.persist()} does, without its O(windows) cost per element when it would
   * change nothing. Persisting writes a merging key's active-window set to state if it changed
   * since the runner was built, or clears the state once the set is empty. While the state holds
   * the very set object the runner works on (the heap backend keeps references), the state is
   * already up to date. A runner whose state was cleared is dropped from the cache: it compares
   * its set with the one it loaded, not with the cleared state, so it might not write it back.
   */
  private void persist(CachedRunner<K, V, W> cached, EncodedKey encodedKey) {
    if (activeWindowsTag == null) {
      cached.runner.persist(); // non-merging windows: persists nothing
      return;
    }
    ValueState<Map<W, Set<W>>> activeWindows = activeWindows();
    Map<W, Set<W>> stored = activeWindows.read();
    if (stored != null && stored == cached.activeWindows && !stored.isEmpty()) {
      return;
    }
    cached.runner.persist();
    cached.activeWindows = activeWindows.read();
    if (cached.activeWindows == null) {
      runners.remove(encodedKey);
    }
  }

  /** The current key's active-window set as MergingActiveWindowSet stores it. */
  private ValueState<Map<W, Set<W>>> activeWindows() {
    return stateInternals.state(StateNamespaces.global(), activeWindowsTag);
  }

  /** A key's runner and the active-window set object it is known to share with the state (or null). */
  private static final class CachedRunner<K, V, W extends BoundedWindow> {
    /** The key as the state backend stores it (the instance of the key's first element or timer). */
    final EncodedKey encodedKey;
    final ReduceFnRunner<K, V, ?, W> runner;
    Map<W, Set<W>> activeWindows;

    CachedRunner(EncodedKey encodedKey, ReduceFnRunner<K, V, ?, W> runner, Map<W, Set<W>> activeWindows) {
      this.encodedKey = encodedKey;
      this.runner = runner;
      this.activeWindows = activeWindows;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private ReduceFnRunner<K, V, ?, W> newRunner(K key) {
    return new ReduceFnRunner(
        key,
        windowingStrategy,
        triggerStateMachine,
        stateInternals,
        timerInternals,
        new PaneEmitter<>(output),
        NullSideInputReader.empty(),
        reduceFn,
        options.get());
  }

  @Override
  protected void onWatermark(long watermark) throws Exception {
    timerInternals.advanceInputWatermark(watermark);
    long outputWatermark = watermark == Watermarks.MAX
        ? Watermarks.MAX
        : Math.min(watermark, stateInternals.holds().earliest());
    if (outputWatermark > emittedWatermark) {
      emittedWatermark = outputWatermark;
      timerInternals.setOutputWatermark(outputWatermark);
      output.emitWatermark(outputWatermark);
    }
    timerInternals.scheduleProcessingTimeWakeUp();
  }

  /** Number of watermark holds over all keys and windows (tests). */
  int holdCount() {
    return stateInternals.holds().size();
  }

  @Override
  public void close() throws Exception {
    if (runners != null) {
      runners.clear();
    }
    if (backend != null) {
      backend.close();
      backend = null;
    }
  }
}
