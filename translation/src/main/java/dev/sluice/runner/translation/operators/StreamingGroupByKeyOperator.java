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
 * ({@code KvKeySelector}: the same encoding keys the backend). Output (port 0):
 * {@code WindowedValue<KV<K, Iterable<V>>>}.
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

  private transient HeapKeyedStateBackend<EncodedKey> backend;
  private transient SluiceStateInternals<K> stateInternals;
  private transient SluiceTimerInternals timerInternals;
  private transient ExecutableTriggerStateMachine triggerStateMachine;
  private transient SystemReduceFn<K, V, Iterable<V>, Iterable<V>, W> reduceFn;
  private transient CounterCell droppedDueToLateness;
  private transient long emittedWatermark;
  /**
   * ReduceFnRunners by key, most recently used last, so that an element or timer does not
   * build a new one: building one reads and deep-copies the key's whole active-window set
   * (merging windows), which made each element cost O(windows of its key). See {@link #runner}.
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
    this.stepName = stepName;
    this.keyCoder = keyCoder;
    this.valueCoder = valueCoder;
    this.windowingStrategy = windowingStrategy;
    this.options = options;
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
    reduceFn = SystemReduceFn.buffering(valueCoder);
    droppedDueToLateness = context.accumulator(MetricsAccumulator.NAME, MetricsAccumulator::new)
        .stepMap()
        .getContainer(stepName)
        .getCounter(MetricName.named(LateDataDroppingDoFnRunner.class, LateDataDroppingDoFnRunner.DROPPED_DUE_TO_LATENESS));
    emittedWatermark = Watermarks.MIN;
    runners = new LinkedHashMap<>(256, 0.75f, true) {
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
    WindowedValue<KV<K, V>> wv = (WindowedValue<KV<K, V>>) value;
    K key = wv.getValue().getKey();
    EncodedKey encodedKey = new EncodedKey(CoderUtils.encodeToByteArray(keyCoder, key));
    backend.setCurrentKey(encodedKey);
    timerInternals.onInput();
    Iterable<WindowedValue<V>> onTime = LateDataUtils.dropExpiredWindows(
        key, List.of(wv.withValue(wv.getValue().getValue())), timerInternals, windowingStrategy,
        droppedDueToLateness);
    if (onTime.iterator().hasNext()) {
      CachedRunner<K, V, W> runner = runner(key, encodedKey);
      runner.runner.processElements(onTime);
      persist(runner, encodedKey);
    }
    timerInternals.scheduleProcessingTimeWakeUp();
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
      cached = new CachedRunner<>(newRunner(key), stored);
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
    final ReduceFnRunner<K, V, Iterable<V>, W> runner;
    Map<W, Set<W>> activeWindows;

    CachedRunner(ReduceFnRunner<K, V, Iterable<V>, W> runner, Map<W, Set<W>> activeWindows) {
      this.runner = runner;
      this.activeWindows = activeWindows;
    }
  }

  private ReduceFnRunner<K, V, Iterable<V>, W> newRunner(K key) {
    return new ReduceFnRunner<>(
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
