package dev.sluice.runner.translation.operators;

import dev.sluice.runner.translation.state.SluiceTimerInternals;
import java.util.Map;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.runners.core.SplittableProcessElementInvoker;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.PCollectionView;
import org.joda.time.Instant;

/**
 * The pending restrictions of one {@link SplittableDoFnOperator}, kept in keyed state per (key,
 * window), and the calls that advance them. A restriction runs first when its element arrives
 * ({@link #start}); if the DoFn checkpoints or resumes, its residual waits for a processing-time
 * timer at now + resume delay ({@link #resume}). Semantics as in runners-core's
 * {@code SplittableParDoViaKeyedWorkItems.ProcessFn}, here without the KeyedWorkItem wrapping.
 *
 * <p>Drain: every pending restriction, and every restriction that starts afterwards, is
 * truncated once ({@code @TruncateRestriction}, Beam's default keeps a bounded restriction and
 * drops an unbounded one); what truncation leaves is processed as usual.
 *
 * <p>State, in the namespace of the element's window (the key is the random key the
 * SDF expansion gave each element and restriction, so a key holds one restriction per window):
 * <ul>
 *   <li>{@code element}: the element with its timestamp, window and pane. State: value.
 *       Lifetime: written at the first call, cleared when the restriction is done.
 *   <li>{@code restriction}: the residual restriction still to process. State: value.
 *       Lifetime: written at each checkpoint, cleared when done.
 *   <li>{@code estimator}: the watermark estimator state at the checkpoint. State: value.
 *       Lifetime: as {@code restriction}.
 *   <li>{@code hold}: the estimator's watermark at the checkpoint (the element's timestamp if it
 *       reports none), which holds the operator's output watermark. State: watermark hold,
 *       replaced at each checkpoint. Lifetime: as {@code restriction}.
 * </ul>
 * The resume timer carries the same timestamp as its output timestamp, so the hold also stands
 * while the timer is pending.
 *
 * <p>Mailbox thread only; the backend's current key must be the element's or timer's key.
 */
final class SplittableRestrictions {

  /** The one timer id of a pending restriction in its window's namespace. */
  static final String RESUME_TIMER = "sdf-resume";

  private final SplittableDoFnOperator.Spec spec;
  private final DoFn<Object, Object> fn;
  private final DoFnInvoker<Object, Object> invoker;
  private final PipelineOptions options;
  private final SplittableProcessElementInvoker<Object, Object, Object, Object, Object> processInvoker;
  private final StateInternals state;
  private final SluiceTimerInternals timers;
  private final Coder<BoundedWindow> windowCoder;
  private final SideInputReader sideInputs;
  private final StateTag<ValueState<WindowedValue<Object>>> elementTag;
  private final StateTag<ValueState<Object>> restrictionTag;
  private final StateTag<ValueState<Object>> estimatorTag;
  private final StateTag<WatermarkHoldState> holdTag;
  /** Set once the job drains: new restrictions are truncated before they run. */
  private boolean draining;

  @SuppressWarnings({"unchecked", "rawtypes"})
  SplittableRestrictions(
      SplittableDoFnOperator.Spec spec,
      DoFn<Object, Object> fn,
      DoFnInvoker<Object, Object> invoker,
      PipelineOptions options,
      SplittableProcessElementInvoker<Object, Object, Object, Object, Object> processInvoker,
      StateInternals state,
      SluiceTimerInternals timers,
      Coder<BoundedWindow> windowCoder,
      SideInputReader sideInputs) {
    this.spec = spec;
    this.fn = fn;
    this.invoker = invoker;
    this.options = options;
    this.processInvoker = processInvoker;
    this.state = state;
    this.timers = timers;
    this.windowCoder = windowCoder;
    this.sideInputs = sideInputs;
    this.elementTag = StateTags.value("element", (Coder) WindowedValue.getFullCoder(spec.elementCoder(), windowCoder));
    this.restrictionTag = StateTags.value("restriction", (Coder) spec.restrictionCoder());
    this.estimatorTag = StateTags.value("estimator", (Coder) spec.watermarkEstimatorStateCoder());
    this.holdTag = StateTags.watermarkStateInternal("hold", TimestampCombiner.EARLIEST);
  }

  /** First call for an element in one window: the seed restriction (truncated first when draining). */
  void start(WindowedValue<Object> element, Object restriction) throws Exception {
    BoundedWindow window = element.getWindows().iterator().next();
    StateNamespace namespace = StateNamespaces.window(windowCoder, window);
    Object estimatorState = invoker.invokeGetInitialWatermarkEstimatorState(
        new Arguments("GetInitialWatermarkEstimatorState", element, restriction, null));
    if (draining) {
      restriction = truncate(element, restriction, estimatorState);
      if (restriction == null) {
        return;
      }
    }
    state.state(namespace, elementTag).write(element);
    process(namespace, element, restriction, estimatorState);
  }

  /**
   * The job drains: from now on {@link #start} truncates each new restriction before it runs.
   * Pending ones are truncated by {@link #truncatePending} (the operator reaches each through
   * its resume timer); residuals of a truncated restriction are not truncated again.
   */
  void startDraining() {
    draining = true;
  }

  boolean draining() {
    return draining;
  }

  /**
   * Drain: truncates the restriction pending in {@code namespace} (its resume timer was just
   * removed). Returns true if the truncated restriction is kept in state and must be resumed
   * (see {@link #resumeNow}); false if truncation dropped it, and with it all its state and
   * its watermark hold.
   */
  boolean truncatePending(StateNamespace namespace) {
    WindowedValue<Object> element = state.state(namespace, elementTag).read();
    if (element == null) {
      return false;
    }
    Object truncated = truncate(element, state.state(namespace, restrictionTag).read(), state.state(namespace, estimatorTag).read());
    if (truncated == null) {
      clear(namespace);
      return false;
    }
    state.state(namespace, restrictionTag).write(truncated);
    return true;
  }

  /** Sets the resume timer of the restriction pending in {@code namespace} to now. */
  void resumeNow(StateNamespace namespace, Instant outputTimestamp) {
    timers.setTimer(TimerData.of(RESUME_TIMER, namespace, timers.currentProcessingTime(), outputTimestamp, TimeDomain.PROCESSING_TIME));
  }

  /**
   * The DoFn's {@code @TruncateRestriction}, or Beam's default: a bounded restriction is kept
   * whole, an unbounded one is dropped. Null if nothing is left to process.
   */
  private Object truncate(WindowedValue<Object> element, Object restriction, Object estimatorState) {
    return SplittableTruncation.truncate(invoker, new Arguments("TruncateRestriction", element, restriction, estimatorState));
  }

  private void clear(StateNamespace namespace) {
    state.state(namespace, elementTag).clear();
    state.state(namespace, restrictionTag).clear();
    state.state(namespace, estimatorTag).clear();
    state.state(namespace, holdTag).clear();
  }

  /** The resume timer of the restriction in {@code namespace} fired. */
  void resume(StateNamespace namespace) throws Exception {
    WindowedValue<Object> element = state.state(namespace, elementTag).read();
    if (element == null) {
      throw new IllegalStateException(String.format(
          "Step %s: a resume timer fired in %s, but no restriction is pending there", spec.stepName(), namespace));
    }
    process(namespace, element, state.state(namespace, restrictionTag).read(), state.state(namespace, estimatorTag).read());
  }

  private void process(StateNamespace namespace, WindowedValue<Object> element, Object restriction, Object estimatorState) {
    Arguments args = new Arguments("NewTracker", element, restriction, estimatorState);
    SplittableProcessElementInvoker<Object, Object, Object, Object, Object>.Result result =
        SplittableInvocation.processRestriction(invoker, processInvoker, args, element, spec.sideInputMapping());

    WatermarkHoldState hold = state.state(namespace, holdTag);
    Object residual = result.getResidualRestriction();
    if (residual == null) {
      state.state(namespace, elementTag).clear();
      state.state(namespace, restrictionTag).clear();
      state.state(namespace, estimatorTag).clear();
      hold.clear();
      return;
    }
    state.state(namespace, restrictionTag).write(residual);
    state.state(namespace, estimatorTag).write(result.getFutureWatermarkEstimatorState());
    Instant watermark = result.getFutureOutputWatermark() != null ? result.getFutureOutputWatermark() : element.getTimestamp();
    if (watermark.isBefore(BoundedWindow.TIMESTAMP_MIN_VALUE)) {
      watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
    }
    hold.clear();
    hold.add(watermark);
    Instant wakeUp = timers.currentProcessingTime().plus(result.getContinuation().resumeDelay());
    timers.setTimer(TimerData.of(RESUME_TIMER, namespace, wakeUp, watermark, TimeDomain.PROCESSING_TIME));
  }

  /** Arguments of the DoFn's restriction, tracker and watermark estimator methods. */
  private final class Arguments extends SplittableInvocation.ElementArguments<Object, Object> {
    private final String method;

    Arguments(String method, WindowedValue<Object> element, Object restriction, Object estimatorState) {
      super(element, restriction, estimatorState);
      this.method = method;
    }

    @Override
    public Object sideInput(String tagId) {
      Map<String, PCollectionView<?>> mapping = spec.sideInputMapping();
      PCollectionView<?> view = mapping.get(tagId);
      return sideInputs.get(view, view.getWindowMappingFn().getSideInputWindow(window()));
    }

    @Override
    public PipelineOptions pipelineOptions() {
      return options;
    }

    @Override
    public String getErrorContext() {
      return "SplittableDoFnOperator/" + method + " of " + fn.getClass().getName();
    }
  }
}
