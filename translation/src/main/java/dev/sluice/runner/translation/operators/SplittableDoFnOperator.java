package dev.sluice.runner.translation.operators;

import dev.sluice.engine.api.AbstractOperator;
import dev.sluice.engine.api.OperatorContext;
import dev.sluice.engine.api.Output;
import dev.sluice.engine.api.Watermarks;
import dev.sluice.engine.serde.JavaSerialization;
import dev.sluice.runner.translation.metrics.MetricsAccumulator;
import dev.sluice.runner.translation.state.SluiceTimerInternals;
import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.OutputAndTimeBoundedSplittableProcessElementInvoker;
import org.apache.beam.runners.core.OutputWindowedValue;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streaming: runs the {@code ProcessKeyedElements} step of a splittable DoFn, whose input is
 * {@code KV<byte[] key, KV<element, restriction>>} HASH-partitioned by the key. Each (element,
 * restriction) is processed in one window by {@link SplittableRestrictions} through runners-core's
 * {@link OutputAndTimeBoundedSplittableProcessElementInvoker}, which checkpoints the DoFn after
 * {@link Spec#maxOutputsPerCheckpoint()} outputs or {@link Spec#maxDurationPerCheckpoint()}. A
 * checkpoint (or the DoFn's own {@code resume()}) leaves the residual restriction and the
 * watermark estimator state in keyed state, holds the output watermark at the estimator's
 * watermark and sets a processing-time timer at now + resume delay that goes on with it. So the
 * task thread is never blocked by a resume delay, and many restrictions make progress side by
 * side.
 *
 * <p>Output watermark: min(input watermark, earliest hold of a pending restriction), never
 * decreasing; input +infinity does not pass the holds either.
 *
 * <p>End of input: a restriction may outlive its input (an unbounded-per-element DoFn fed by a
 * bounded input, e.g. PeriodicImpulse after Impulse). Until no restriction is pending the
 * operator reports {@link #workAfterEndOfInput() work left}; the task keeps firing its
 * processing-time timers and finishes it afterwards. One that resumes forever keeps the job
 * running, as it should, until the job is drained: {@link #drain()} truncates every pending
 * restriction (and every later one), so what is left ends.
 *
 * <p>Side inputs, bundles and bundle finalization work as in {@link DoFnOperator}: main input
 * elements wait in a {@link SpillingBuffer} until every side input ended; a bundle finishes
 * after {@link Spec#maxBundleSize()} elements, after each round of processing-time timers,
 * before a watermark is forwarded and in {@code finish}.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only, except the invoker's time bound: a private scheduler thread asks the
 * (thread-safe wrapped) restriction tracker to checkpoint.
 *
 * <h3>Lifecycle</h3>
 * {@code open}: DoFn deserialized, keyed state built (empty); {@code @Setup} before the first
 * bundle -> elements, watermarks, timers -> all inputs ended -> timers until no restriction is
 * pending -> {@code finish} -> {@code close}: {@code @Teardown}, scheduler stopped.
 */
public final class SplittableDoFnOperator extends AbstractOperator {

  private static final Logger LOG = LoggerFactory.getLogger(SplittableDoFnOperator.class);

  /**
   * Everything a {@code SplittableDoFnOperator} needs, fixed at translation.
   *
   * @param serializedFn the Java-serialized splittable DoFn
   * @param inputWindowingStrategy windowing of the elements (and of the side input lookups)
   * @param outputPorts output tag -> port; outputs not in the map are dropped
   * @param sideInputs side inputs in input order (side input {@code i} arrives at input {@code 1 + i})
   * @param maxOutputsPerCheckpoint outputs after which a restriction is checkpointed
   * @param maxDurationPerCheckpoint processing time after which a restriction is checkpointed
   */
  public record Spec(
      String stepName,
      byte[] serializedFn,
      SerializablePipelineOptions options,
      Coder<?> elementCoder,
      Coder<?> restrictionCoder,
      Coder<?> watermarkEstimatorStateCoder,
      WindowingStrategy<?, ?> inputWindowingStrategy,
      TupleTag<?> mainOutputTag,
      Map<TupleTag<?>, Integer> outputPorts,
      Map<String, PCollectionView<?>> sideInputMapping,
      List<PCollectionView<?>> sideInputs,
      int maxBundleSize,
      int maxOutputsPerCheckpoint,
      Duration maxDurationPerCheckpoint)
      implements Serializable {}

  private final Spec spec;

  /** Mailbox thread only, like all fields below. */
  private DoFn<Object, Object> fn;
  private DoFnInvoker<Object, Object> invoker;
  /** {@code @Setup} before the first bundle, {@code @Teardown} in close. */
  private DoFnLifecycle lifecycle;
  private PipelineOptions options;
  private MetricsContainer metrics;
  private StreamingKeyedStepContext keyed;
  private SplittableRestrictions restrictions;
  private ScheduledExecutorService checkpointScheduler;
  private PendingBundleFinalizations finalizations;
  /** Views published as each side input ends, pushback; null without side inputs. */
  private BatchSideInputs batchSideInputs;
  private boolean bundleOpen;
  private int elementsInBundle;
  /** The input watermark, once every side input ended (until then it is held). */
  private long inputWatermark = Watermarks.MIN;
  private long heldWatermark = Watermarks.MIN;
  private long emittedWatermark = Watermarks.MIN;
  /** Set once all inputs ended while restrictions were still pending; completed when none is. */
  private CompletableFuture<Void> drained;
  /** Non-null only inside {@link #drain()}: collects the restrictions truncation kept. */
  private DrainSweep drainSweep;

  public SplittableDoFnOperator(Spec spec) {
    this.spec = spec;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void open(OperatorContext context, Output output) throws Exception {
    super.open(context, output);
    metrics = context.accumulator(MetricsAccumulator.NAME, MetricsAccumulator::new).stepMap().getContainer(spec.stepName());
    options = spec.options().get();
    fn = (DoFn<Object, Object>) JavaSerialization.deserialize(spec.serializedFn(), context.userClassLoader());
    invoker = DoFnInvokers.invokerFor(fn);
    lifecycle = new DoFnLifecycle("SplittableDoFnOperator", spec.stepName(), context.taskName(), invoker, options, metrics, LOG);
    finalizations = new PendingBundleFinalizations(spec.stepName());
    Coder<? extends BoundedWindow> windowCoder = spec.inputWindowingStrategy().getWindowFn().windowCoder();
    keyed = new StreamingKeyedStepContext(context, (Coder) ByteArrayCoder.of(), windowCoder,
        (key, timer, window) -> onResumeTimer(key, timer), this::afterProcessingTimeTimers, finalizations);
    SideInputReader sideInputReader;
    List<PCollectionView<?>> sideInputs = spec.sideInputs();
    if (sideInputs.isEmpty()) {
      sideInputReader = NullSideInputReader.empty();
    } else {
      Coder<WindowedValue<Object>> inputCoder = (Coder) WindowedValue.getFullCoder(
          org.apache.beam.sdk.coders.KvCoder.of(ByteArrayCoder.of(),
              org.apache.beam.sdk.coders.KvCoder.of(spec.elementCoder(), spec.restrictionCoder())),
          windowCoder);
      batchSideInputs = new BatchSideInputs(sideInputs, inputCoder, context);
      sideInputReader = batchSideInputs.reader();
    }
    checkpointScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sluice-sdf-checkpoint " + context.taskName());
      t.setDaemon(true);
      return t;
    });
    OutputAndTimeBoundedSplittableProcessElementInvoker<Object, Object, Object, Object, Object> processInvoker =
        new OutputAndTimeBoundedSplittableProcessElementInvoker<>(
            fn, options, new PortOutput(), sideInputReader, checkpointScheduler,
            spec.maxOutputsPerCheckpoint(), spec.maxDurationPerCheckpoint(), () -> finalizations);
    restrictions = new SplittableRestrictions(
        spec, fn, invoker, options, processInvoker, keyed.stateInternals(),
        (SluiceTimerInternals) keyed.timerInternals(), (Coder) windowCoder, sideInputReader);
  }

  @Override
  protected int numberOfInputs() {
    return 1 + spec.sideInputs().size();
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(int input, Object value, long timestamp) throws Exception {
    if (input > 0) {
      batchSideInputs.add(input - 1, (WindowedValue<?>) value);
    } else if (batchSideInputs != null && batchSideInputs.running()) {
      batchSideInputs.pushBack((WindowedValue<Object>) value);
    } else {
      processMain((WindowedValue<Object>) value);
    }
  }

  @SuppressWarnings("unchecked")
  private void processMain(WindowedValue<Object> value) throws Exception {
    KV<byte[], KV<Object, Object>> kv = (KV<byte[], KV<Object, Object>>) value.getValue();
    keyed.setCurrentKey(kv.getKey());
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      startBundleIfNeeded();
      // A restriction's state and timer live in the namespace of one window.
      for (WindowedValue<Object> inWindow : value.explodeWindows()) {
        restrictions.start(inWindow.withValue(kv.getValue().getKey()), kv.getValue().getValue());
      }
    }
    keyed.afterElement();
    if (++elementsInBundle >= spec.maxBundleSize()) {
      finishBundle();
    }
  }

  /** A restriction's resume timer fired; the key is current. */
  private void onResumeTimer(Object key, TimerData timer) throws Exception {
    if (drainSweep != null) {
      drainSweep.truncated(key, timer);
      return;
    }
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      startBundleIfNeeded();
      restrictions.resume(timer.getNamespace());
    }
  }

  /** After each round of processing-time timers: the holds may have moved, or all work be done. */
  private void afterProcessingTimeTimers() throws Exception {
    finishBundle();
    emitOutputWatermark();
    if (drained != null && !drained.isDone() && keyed.numberOfTimers() == 0) {
      LOG.debug("{}: the last pending restriction of {} finished after the end of input", context.taskName(), spec.stepName());
      drained.complete(null);
    }
  }

  @Override
  public void endInput(int input) throws Exception {
    if (input > 0 && batchSideInputs.end(input - 1)) {
      if (batchSideInputs.hasPushedBack()) {
        batchSideInputs.drainPushedBack(this::processMain);
      }
      advanceWatermark(heldWatermark);
    }
  }

  @Override
  protected void onWatermark(long watermark) throws Exception {
    if (batchSideInputs != null && batchSideInputs.running()) {
      heldWatermark = watermark;
    } else {
      advanceWatermark(watermark);
    }
  }

  private void advanceWatermark(long watermark) throws Exception {
    inputWatermark = Math.max(inputWatermark, watermark);
    // No event-time timers here: this only tells the timer internals the input watermark.
    ((SluiceTimerInternals) keyed.timerInternals()).advanceInputWatermark(inputWatermark);
    finishBundle();
    emitOutputWatermark();
  }

  /** Forwards min(input watermark, earliest hold) if it advanced. */
  private void emitOutputWatermark() {
    long holds = ((SluiceTimerInternals) keyed.timerInternals()).outputHolds().earliest();
    long out = holds == Long.MAX_VALUE ? inputWatermark : Math.min(inputWatermark, holds);
    if (out > emittedWatermark) {
      emittedWatermark = out;
      ((SluiceTimerInternals) keyed.timerInternals()).setOutputWatermark(out);
      output.emitWatermark(out);
    }
  }

  @Override
  public CompletableFuture<?> workAfterEndOfInput() {
    try {
      finishBundle();
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (keyed.numberOfTimers() == 0) {
      return null;
    }
    LOG.debug("{}: {} restrictions of {} still pending at the end of input; going on with them",
        context.taskName(), keyed.numberOfTimers(), spec.stepName());
    drained = new CompletableFuture<>();
    return drained;
  }

  /**
   * The job drains: truncate every pending restriction now (and every later one as it starts),
   * drop what truncation drops, and resume what it keeps at once; once none is pending,
   * {@link #workAfterEndOfInput()} is done and the operator can finish.
   */
  @Override
  public void drain() throws Exception {
    if (restrictions.draining()) {
      return;
    }
    restrictions.startDraining();
    int pending = keyed.numberOfTimers();
    DrainSweep sweep = new DrainSweep();
    drainSweep = sweep;
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      startBundleIfNeeded();
      // Fires every pending resume timer; onResumeTimer truncates instead of processing.
      ((SluiceTimerInternals) keyed.timerInternals()).advanceProcessingTime(Long.MAX_VALUE);
    } finally {
      drainSweep = null;
    }
    sweep.resumeKept();
    LOG.info("{}: drained {}: truncated {} pending restrictions, {} left to process", context.taskName(),
        spec.stepName(), pending, sweep.kept.size());
    keyed.afterElement();
    afterProcessingTimeTimers();
  }

  /** The restrictions truncation kept during {@link #drain()}, resumed after the sweep. */
  private final class DrainSweep {
    private final List<KV<Object, TimerData>> kept = new ArrayList<>();

    void truncated(Object key, TimerData timer) {
      if (restrictions.truncatePending(timer.getNamespace())) {
        kept.add(KV.of(key, timer));
      }
    }

    /** Outside the sweep, or the new timers would fire (and be truncated) in it again. */
    void resumeKept() throws Exception {
      for (KV<Object, TimerData> k : kept) {
        keyed.setCurrentKey(k.getKey());
        restrictions.resumeNow(k.getValue().getNamespace(), k.getValue().getOutputTimestamp());
      }
    }
  }

  @Override
  public void finish() throws Exception {
    finishBundle();
    if (emittedWatermark < Watermarks.MAX) {
      emittedWatermark = Watermarks.MAX;
      output.emitWatermark(Watermarks.MAX);
    }
  }

  @Override
  public void close() {
    if (checkpointScheduler != null) {
      checkpointScheduler.shutdownNow();
    }
    if (keyed != null) {
      keyed.close();
    }
    if (batchSideInputs != null) {
      lifecycle.closeSpillQuietly(batchSideInputs);
    }
    if (lifecycle != null) {
      lifecycle.teardownQuietly();
    }
  }

  /** Call inside the metrics scope. */
  private void startBundleIfNeeded() {
    lifecycle.setUpIfNeeded();
    if (!bundleOpen) {
      bundleOpen = true;
      elementsInBundle = 0;
      invoker.invokeStartBundle(lifecycle.new Arguments("StartBundle") {
        @Override
        public DoFn<Object, Object>.StartBundleContext startBundleContext(DoFn<Object, Object> doFn) {
          return doFn.new StartBundleContext() {
            @Override
            public PipelineOptions getPipelineOptions() {
              return options;
            }
          };
        }
      });
    }
  }

  private void finishBundle() throws IOException {
    if (!bundleOpen) {
      return;
    }
    bundleOpen = false;
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      invoker.invokeFinishBundle(lifecycle.new Arguments("FinishBundle") {
        @Override
        public DoFn<Object, Object>.FinishBundleContext finishBundleContext(DoFn<Object, Object> doFn) {
          return doFn.new FinishBundleContext() {
            @Override
            public PipelineOptions getPipelineOptions() {
              return options;
            }

            @Override
            public void output(Object value, Instant timestamp, BoundedWindow window) {
              emit(spec.mainOutputTag(), value, timestamp, List.of(window), PaneInfo.NO_FIRING);
            }

            @Override
            public <T> void output(TupleTag<T> tag, T value, Instant timestamp, BoundedWindow window) {
              emit(tag, value, timestamp, List.of(window), PaneInfo.NO_FIRING);
            }
          };
        }
      });
      // The bundle's output is handed on: what Sluice can offer as committed.
      finalizations.finalizeBundle(context.taskName());
    }
  }

  private void emit(TupleTag<?> tag, Object value, Instant timestamp, Collection<? extends BoundedWindow> windows, PaneInfo pane) {
    Integer port = tag == null ? null : spec.outputPorts().get(tag);
    if (port != null) {
      output.emit(port, WindowedValue.of(value, timestamp, windows, pane), timestamp.getMillis());
    }
  }

  /** The DoFn's outputs from {@code @ProcessElement}, to their ports. */
  private final class PortOutput implements OutputWindowedValue<Object> {
    @Override
    public void outputWindowedValue(Object value, Instant timestamp, Collection<? extends BoundedWindow> windows, PaneInfo pane) {
      emit(spec.mainOutputTag(), value, timestamp, windows, pane);
    }

    @Override
    public <T> void outputWindowedValue(TupleTag<T> tag, T value, Instant timestamp, Collection<? extends BoundedWindow> windows, PaneInfo pane) {
      emit(tag, value, timestamp, windows, pane);
    }
  }
}
