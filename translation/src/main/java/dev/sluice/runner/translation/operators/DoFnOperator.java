package dev.sluice.runner.translation.operators;

import dev.sluice.engine.serde.JavaSerialization;
import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.ProcessingTimeService;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.runner.translation.metrics.MetricsAccumulator;
import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StatefulDoFnRunner;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Beam {@link DoFn} through runners-core {@link DoFnRunners#simpleRunner}. A stateful
 * DoFn (state or timers) gets per-key state and timers from a {@link KeyedStepContext}: its
 * input arrives HASH-partitioned by key. In batch ({@link BatchKeyedStepContext}, in memory)
 * timers fire at the end of input, processing-time ones first; in streaming
 * ({@link StreamingKeyedStepContext}, the engine's keyed state backend) event-time timers fire
 * as the watermark passes them, processing-time timers from the task's processing time service,
 * and the forwarded watermark is held at the earliest output timestamp of a pending timer.
 * Input 0 is the main input; input {@code 1 + i} is side input {@code i} of {@link Spec#sideInputs()}.
 * Output port {@code p} carries the output whose tag maps to {@code p} in {@link Spec#outputPorts()}.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only, like every operator.
 *
 * <h3>Lifecycle</h3>
 * {@code open}: DoFn deserialized; {@code @Setup} runs before its first bundle. Batch: side input elements are gathered per
 * window and published to a side input handler when each side input ends ({@link BatchSideInputs}). Main input
 * elements that arrive while a side input is still running are pushed back into a
 * {@link SpillingBuffer} (memory, then a spill file) and processed, in arrival order, once the
 * last side input ended; the input watermark is held meanwhile. Streaming: side inputs arrive
 * as panes (from a {@link SideInputMaterializeOperator}) that replace a window's view contents,
 * and a main-input element waits only until the side-input windows it reads are ready; see
 * {@link StreamingSideInputs} (pushback, readiness, watermark hold). Main input elements run in
 * bundles: a bundle starts at the first element (or timer) after the previous one finished and
 * finishes after {@link Spec#maxBundleSize()} elements, in streaming also once it has been open
 * {@link Spec#maxBundleTimeMillis()}: a processing-time timer fires then (so that
 * {@code @FinishBundle} output and bundle finalization are not held back while input trickles in
 * or stops), and the wall time is checked after each element (a slow DoFn still gets its bundles
 * committed and finalized when processing time is synthetic, as for TestStream). A bundle also
 * finishes before a watermark is forwarded (finishBundle may emit) and in {@code finish}. Bundle
 * finalization callbacks ({@link DoFn.BundleFinalizer}) run right after their bundle's
 * finishBundle, see {@link PendingBundleFinalizations}; the output element counts
 * ({@link ElementCounts}) are flushed there too. {@code close}: {@code @Teardown}, spill file deleted.
 *
 * <p>Why all inputs stay selected: reading only the side inputs first (via
 * {@code selectedInputs}) deadlocks whenever the main and a side input come from the same
 * upstream task (a view of the ParDo's own input is common): that task blocks on the full
 * main-input channel and never finishes the side input. {@code SideInputDiamondTest} shows it.
 *
 * <p>User exceptions leave {@code processElement} as the runner threw them: runners-core wraps
 * them in a {@code UserCodeException}, which the runner unwraps.
 */
public final class DoFnOperator extends AbstractOperator {

  private static final Logger LOG = LoggerFactory.getLogger(DoFnOperator.class);

  /**
   * Everything a {@code DoFnOperator} needs, fixed at translation.
   *
   * @param stepName the transform's full name; metrics are reported under it
   * @param serializedFn the Java-serialized DoFn, deserialized once per subtask so that subtasks
   *     never share a DoFn instance
   * @param inputCoder coder of the main input's elements (not windowed)
   * @param outputPorts output tag -> port; outputs not in the map are dropped
   * @param sideInputs side inputs in input order (side input {@code i} arrives at input {@code 1 + i})
   * @param maxBundleSize elements after which a bundle is finished
   * @param keyCoder coder of the input's KV key for a stateful DoFn; null for a stateless one
   * @param maxBundleTimeMillis in streaming, processing time after its start at which a bundle is finished
   * @param outputPCollections name of the PCollection at each output port (index = port), the
   *     label of its element count ({@link ElementCounts}); empty: labelled by step and port
   */
  public record Spec(
      String stepName,
      byte[] serializedFn,
      SerializablePipelineOptions options,
      Coder<?> inputCoder,
      TupleTag<?> mainOutputTag,
      List<TupleTag<?>> additionalOutputTags,
      Map<TupleTag<?>, Coder<?>> outputCoders,
      Map<TupleTag<?>, Integer> outputPorts,
      WindowingStrategy<?, ?> windowingStrategy,
      DoFnSchemaInformation schemaInformation,
      Map<String, PCollectionView<?>> sideInputMapping,
      List<PCollectionView<?>> sideInputs,
      int maxBundleSize,
      Coder<?> keyCoder,
      long maxBundleTimeMillis,
      List<String> outputPCollections)
      implements Serializable {
  }

  /** Default of {@link Spec#maxBundleTimeMillis()} (Beam's Flink runner's streaming default). */
  public static final long DEFAULT_MAX_BUNDLE_TIME_MILLIS = 1000;

  private final Spec spec;
  /** Streaming: a stateful DoFn's state and timers live in the engine's keyed state backend. */
  private final boolean streaming;

  /** Mailbox thread only, like all fields below. */
  private DoFn<Object, Object> fn;
  /** {@code @Setup} before the first bundle, {@code @Teardown} in close. */
  private DoFnLifecycle lifecycle;
  private DoFnRunner<Object, Object> runner;
  private MetricsContainer metrics;
  private ElementCounts elementCounts;
  /** Non-null for a stateful DoFn. */
  private KeyedStepContext keyed;
  /** Streaming with side inputs: views filled per pane, pushback and watermark hold; else null. */
  private StreamingSideInputs streamingSideInputs;
  /** Batch with side inputs: views published as each side input ends, pushback; else null. */
  private BatchSideInputs batchSideInputs;
  private PendingBundleFinalizations finalizations;
  private boolean bundleOpen;
  private int elementsInBundle;
  /** Counts bundles started, so that a bundle timer that fires late finishes only its own bundle. */
  private long bundleNumber;
  /** Streaming: the processing-time timer that finishes the open bundle; null when none is pending. */
  private ProcessingTimeService.Cancellable bundleTimer;
  /** Streaming: wall time ({@link System#nanoTime()}) at which the open bundle started. */
  private long bundleStartNanos;
  /** Streaming: {@link Spec#maxBundleTimeMillis()} in nanoseconds; batch: never. */
  private long maxBundleNanos;
  /** A watermark that advanced while side inputs were still running; forwarded once they end. */
  private long heldWatermark;
  private boolean watermarkHeld;
  /** The last watermark forwarded. */
  private long emittedWatermark = Watermarks.MIN;

  public DoFnOperator(Spec spec) {
    this(spec, false);
  }

  /**
   * @param streaming whether a stateful DoFn keeps its state and timers in the engine's keyed
   *     state backend ({@link StreamingKeyedStepContext}: timers fire as the watermark and
   *     processing time pass them) instead of in memory until the end of input (batch)
   */
  public DoFnOperator(Spec spec, boolean streaming) {
    this.spec = spec;
    this.streaming = streaming;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void open(OperatorContext context, Output output) throws Exception {
    super.open(context, output);
    metrics = context.accumulator(MetricsAccumulator.NAME, MetricsAccumulator::new).stepMap().getContainer(spec.stepName());
    elementCounts = new ElementCounts(metrics, spec.stepName(), outputPCollectionNames());
    maxBundleNanos = streaming ? TimeUnit.MILLISECONDS.toNanos(spec.maxBundleTimeMillis()) : Long.MAX_VALUE;
    PipelineOptions options = spec.options().get();
    fn = (DoFn<Object, Object>) JavaSerialization.deserialize(spec.serializedFn(), context.userClassLoader());
    // @Setup runs lazily, before the first bundle: a subtask that never gets an element never
    // sets its DoFn up (Beam's lifecycle tests track every instance that was set up).
    lifecycle = new DoFnLifecycle("DoFnOperator", spec.stepName(), context.taskName(), DoFnInvokers.invokerFor(fn),
        options, metrics, LOG);
    List<PCollectionView<?>> sideInputs = spec.sideInputs();
    SideInputReader sideInputReader;
    if (sideInputs.isEmpty()) {
      sideInputReader = NullSideInputReader.empty();
    } else if (streaming) {
      Coder<WindowedValue<Object>> mainCoder = (Coder) WindowedValue.getFullCoder(
          spec.inputCoder(), spec.windowingStrategy().getWindowFn().windowCoder());
      streamingSideInputs = new StreamingSideInputs(sideInputs, mainCoder, context.tempDirectory(),
          Math.max(1 << 20, context.managedMemoryBytes() / 2), this::processMain, this::advanceWatermark);
      sideInputReader = streamingSideInputs.reader();
    } else {
      Coder<WindowedValue<Object>> mainCoder = (Coder) WindowedValue.getFullCoder(
          spec.inputCoder(), spec.windowingStrategy().getWindowFn().windowCoder());
      batchSideInputs = new BatchSideInputs(sideInputs, mainCoder, context);
      sideInputReader = batchSideInputs.reader();
    }
    finalizations = new PendingBundleFinalizations(spec.stepName());
    StepContext stepContext;
    if (spec.keyCoder() != null) {
      keyed = streaming
          ? new StreamingKeyedStepContext(context, (Coder<Object>) spec.keyCoder(),
              spec.windowingStrategy().getWindowFn().windowCoder(), this::onKeyedTimer, this::finishBundle,
              finalizations)
          : new BatchKeyedStepContext((Coder<Object>) spec.keyCoder(), finalizations);
      stepContext = keyed;
    } else {
      stepContext = new StatelessStepContext(spec.stepName(), finalizations);
    }
    DoFnRunner<Object, Object> simple = DoFnRunners.simpleRunner(
        options,
        fn,
        sideInputReader,
        new PortOutputManager(),
        (TupleTag<Object>) spec.mainOutputTag(),
        spec.additionalOutputTags(),
        stepContext,
        (Coder<Object>) spec.inputCoder(),
        (Map) spec.outputCoders(),
        spec.windowingStrategy(),
        spec.schemaInformation(),
        spec.sideInputMapping());
    if (keyed == null) {
      runner = simple;
    } else {
      // Late-data dropping, per-window state cleanup with @OnWindowExpiration, and sorting for
      // @RequiresTimeSortedInput, on the per-key state and timers.
      WindowingStrategy<?, ?> windowing = spec.windowingStrategy();
      runner = DoFnRunners.defaultStatefulDoFnRunner(
          fn,
          (Coder<Object>) spec.inputCoder(),
          simple,
          keyed,
          windowing,
          new StatefulDoFnRunner.TimeInternalsCleanupTimer<>(keyed.timerInternals(), windowing),
          new StatefulDoFnRunner.StateInternalsStateCleaner<>(fn, keyed.stateInternals(), (Coder) windowing.getWindowFn().windowCoder()),
          DoFnSignatures.requiresTimeSortedInput(fn));
    }
  }

  /** The PCollection name of each output port, from the spec or made up from step and port. */
  private List<String> outputPCollectionNames() {
    if (!spec.outputPCollections().isEmpty()) {
      return spec.outputPCollections();
    }
    int ports = spec.outputPorts().values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    List<String> names = new ArrayList<>();
    for (int p = 0; p < ports; p++) {
      names.add(spec.stepName() + ".out" + p);
    }
    return names;
  }

  @Override
  protected int numberOfInputs() {
    return 1 + spec.sideInputs().size();
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(int input, Object value, long timestamp) throws Exception {
    if (streamingSideInputs != null) {
      if (input == 0) {
        streamingSideInputs.processMain((WindowedValue<Object>) value);
      } else {
        streamingSideInputs.processSideInput(input - 1, (WindowedValue<?>) value);
      }
    } else if (input == 0) {
      if (batchSideInputs != null && batchSideInputs.running()) {
        batchSideInputs.pushBack((WindowedValue<Object>) value);
      } else {
        processMain((WindowedValue<Object>) value);
      }
    } else {
      batchSideInputs.add(input - 1, (WindowedValue<?>) value);
    }
  }

  @Override
  public void processWatermark(int input, long watermark) throws Exception {
    if (streamingSideInputs != null) {
      // Side input watermarks decide readiness; the main one, held by pushed-back elements, time.
      streamingSideInputs.processWatermark(input, watermark);
    } else {
      super.processWatermark(input, watermark);
    }
  }

  @Override
  public void endInput(int input) throws Exception {
    if (streamingSideInputs != null) {
      // The engine sent watermark +infinity before; a no-op then, but the end is what counts.
      streamingSideInputs.processWatermark(input, Watermarks.MAX);
      return;
    }
    if (input > 0 && batchSideInputs.end(input - 1)) {
      onSideInputsReady();
    }
  }

  @Override
  protected void onWatermark(long watermark) throws Exception {
    if (batchSideInputs != null && batchSideInputs.running()) {
      heldWatermark = watermark;
      watermarkHeld = true;
      return;
    }
    advanceWatermark(watermark);
  }

  /** Fires due timers, finishes the bundle (both may emit), then forwards the watermark. */
  private void advanceWatermark(long watermark) throws Exception {
    fireTimers(watermark);
    finishBundle();
    long out = keyed == null ? watermark : keyed.outputWatermark(watermark);
    if (out > emittedWatermark) { // a held output watermark may stay where it was
      emittedWatermark = out;
      output.emitWatermark(out);
    }
  }

  private void fireTimers(long watermark) throws Exception {
    if (keyed == null) {
      return;
    }
    keyed.fireTimers(watermark, this::onKeyedTimer);
  }

  /** A timer of the current key fired (from a watermark, the end of input, or processing time). */
  private void onKeyedTimer(Object key, TimerData timer, BoundedWindow window) throws Exception {
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      startBundleIfNeeded();
      runner.onTimer(timer.getTimerId(), timer.getTimerFamilyId(), key, window, timer.getTimestamp(),
          timer.getOutputTimestamp(), timer.getDomain());
    }
  }

  @Override
  public void finish() throws Exception {
    if (streamingSideInputs != null) {
      streamingSideInputs.finish();
    }
    for (int i = 0; batchSideInputs != null && i < batchSideInputs.count(); i++) {
      endInput(i + 1);
    }
    fireTimers(Watermarks.MAX);
    finishBundle();
  }

  @Override
  public void close() {
    if (keyed != null) {
      keyed.close();
    }
    if (streamingSideInputs != null) {
      lifecycle.closeSpillQuietly(streamingSideInputs);
    }
    if (batchSideInputs != null) {
      lifecycle.closeSpillQuietly(batchSideInputs);
    }
    if (lifecycle != null) {
      lifecycle.teardownQuietly();
    }
  }

  private void onSideInputsReady() throws Exception {
    if (batchSideInputs.hasPushedBack()) {
      LOG.debug("{}: side inputs ready, processing {} pushed-back elements", context.taskName(), batchSideInputs.pushedBackSize());
      batchSideInputs.drainPushedBack(this::processMain);
    }
    if (watermarkHeld) {
      watermarkHeld = false;
      advanceWatermark(heldWatermark);
    }
  }

  private void processMain(WindowedValue<Object> value) throws Exception {
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      startBundleIfNeeded();
      if (keyed == null) {
        runner.processElement(value);
      } else {
        keyed.setCurrentKey(((KV<?, ?>) value.getValue()).getKey());
        runner.processElement(value); // the stateful runner explodes windows: state is per window
        keyed.afterElement();
      }
    }
    // Batch reads no clock per element.
    if (++elementsInBundle >= spec.maxBundleSize() || (streaming && System.nanoTime() - bundleStartNanos >= maxBundleNanos)) {
      finishBundle();
    }
  }

  /** Call inside the metrics scope. */
  private void startBundleIfNeeded() {
    lifecycle.setUpIfNeeded();
    if (!bundleOpen) {
      runner.startBundle();
      bundleOpen = true;
      elementsInBundle = 0;
      bundleNumber++;
      if (streaming) {
        bundleStartNanos = System.nanoTime();
        startBundleTimer();
      }
    }
  }

  /** Finishes the bundle just started once {@link Spec#maxBundleTimeMillis()} passed, unless it finished before. */
  private void startBundleTimer() {
    ProcessingTimeService time = context.processingTimeService();
    long bundle = bundleNumber;
    bundleTimer = time.registerTimer(time.currentTime() + spec.maxBundleTimeMillis(), now -> {
      if (bundleOpen && bundleNumber == bundle) {
        bundleTimer = null;
        finishBundle();
      }
    });
  }

  private void finishBundle() throws IOException {
    if (bundleOpen) {
      bundleOpen = false;
      if (bundleTimer != null) {
        bundleTimer.cancel();
        bundleTimer = null;
      }
      try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(metrics)) {
        runner.finishBundle();
        elementCounts.flush();
        // The bundle's output is handed on: what Sluice can offer as committed (no checkpoints yet).
        finalizations.finalizeBundle(context.taskName());
      }
    }
  }

  /** Sends each output to its port; outputs without a port are not consumed and dropped. */
  private final class PortOutputManager implements DoFnRunners.OutputManager {
    /**
     * The runner passes the spec's own main output tag, so it is found by identity: a map lookup
     * compares TupleTag ids (long strings) and showed in profiles at a few % per DoFn.
     */
    private final TupleTag<?> mainTag = spec.mainOutputTag();
    /** Port of the main output; -1 if nothing consumes it. */
    private final int mainPort = spec.outputPorts().getOrDefault(spec.mainOutputTag(), -1);

    @Override
    public <T> void output(TupleTag<T> tag, WindowedValue<T> value) {
      int port;
      if (tag == mainTag) {
        port = mainPort;
      } else {
        port = spec.outputPorts().getOrDefault(tag, -1);
      }
      if (port >= 0) {
        elementCounts.add(port);
        output.emit(port, value, value.getTimestamp().getMillis());
      }
    }
  }

  /** A DoFn without state or timers has no keyed context. */
  private static final class StatelessStepContext implements StepContext {
    private final String stepName;
    private final DoFn.BundleFinalizer finalizer;

    StatelessStepContext(String stepName, DoFn.BundleFinalizer finalizer) {
      this.stepName = stepName;
      this.finalizer = finalizer;
    }

    @Override
    public DoFn.BundleFinalizer bundleFinalizer() {
      return finalizer;
    }

    @Override
    public StateInternals stateInternals() {
      throw new UnsupportedOperationException("Step " + stepName + " is stateless: it has no state internals");
    }

    @Override
    public TimerInternals timerInternals() {
      throw new UnsupportedOperationException("Step " + stepName + " is stateless: it has no timer internals");
    }
  }
}
