package dev.sluice.runner.translation.operators;

import java.util.Map;
import org.apache.beam.runners.core.SplittableProcessElementInvoker;
import org.apache.beam.sdk.fn.splittabledofn.RestrictionTrackers;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.splittabledofn.WatermarkEstimator;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.PCollectionView;
import org.joda.time.Instant;

/**
 * Splittable-DoFn plumbing shared by the streaming {@link SplittableDoFnOperator} (through
 * {@link SplittableRestrictions}) and the batch {@code RunToCompletionSplittableFn}: one
 * {@code @ProcessElement} call on a restriction, and the element arguments of the DoFn's
 * restriction, tracker and watermark estimator methods.
 *
 * <h3>Threading model</h3>
 * Stateless; called on the task's thread. The process invoker may checkpoint from a thread of
 * its own, which is why the tracker is wrapped (see {@link #processRestriction}).
 */
public final class SplittableInvocation {

  private SplittableInvocation() {}

  /**
   * Processes {@code element} with the restriction and watermark estimator state in {@code args}:
   * a new tracker (made thread-safe for the process invoker's checkpoint) and a new watermark
   * estimator, then {@code @ProcessElement} until the restriction is done or checkpointed.
   */
  public static <InputT, OutputT, RestrictionT, PositionT, WatermarkEstimatorStateT>
      SplittableProcessElementInvoker<InputT, OutputT, RestrictionT, PositionT, WatermarkEstimatorStateT>.Result processRestriction(
          DoFnInvoker<InputT, OutputT> invoker,
          SplittableProcessElementInvoker<InputT, OutputT, RestrictionT, PositionT, WatermarkEstimatorStateT> processInvoker,
          DoFnInvoker.ArgumentProvider<InputT, OutputT> args,
          WindowedValue<InputT> element,
          Map<String, PCollectionView<?>> sideInputMapping) {
    // The invoker's time bound checkpoints from its own thread: observe() makes the tracker safe for that.
    @SuppressWarnings("unchecked")
    RestrictionTracker<RestrictionT, PositionT> tracker = RestrictionTrackers.observe(
        (RestrictionTracker<RestrictionT, PositionT>) invoker.invokeNewTracker(args),
        new RestrictionTrackers.ClaimObserver<PositionT>() {
          @Override
          public void onClaimed(PositionT position) {}

          @Override
          public void onClaimFailed(PositionT position) {}
        });
    @SuppressWarnings("unchecked")
    WatermarkEstimator<WatermarkEstimatorStateT> estimator =
        (WatermarkEstimator<WatermarkEstimatorStateT>) invoker.invokeNewWatermarkEstimator(args);
    return processInvoker.invokeProcessElement(invoker, element, tracker, estimator, sideInputMapping);
  }

  /**
   * The element (value, timestamp, its one window, pane), restriction and watermark estimator
   * state as arguments of a DoFn method; subclasses add pipeline options, side inputs and the
   * error context. The element is null for lifecycle methods, which take none of these.
   */
  public abstract static class ElementArguments<InputT, OutputT> extends DoFnInvoker.BaseArgumentProvider<InputT, OutputT> {
    private final WindowedValue<InputT> element;
    private final Object restriction;
    private final Object estimatorState;

    /** @param element in exactly one window */
    protected ElementArguments(WindowedValue<InputT> element, Object restriction, Object estimatorState) {
      this.element = element;
      this.restriction = restriction;
      this.estimatorState = estimatorState;
    }

    @Override
    public InputT element(DoFn<InputT, OutputT> doFn) {
      return element.getValue();
    }

    @Override
    public Object restriction() {
      return restriction;
    }

    @Override
    public Object watermarkEstimatorState() {
      return estimatorState;
    }

    @Override
    public Instant timestamp(DoFn<InputT, OutputT> doFn) {
      return element.getTimestamp();
    }

    @Override
    public BoundedWindow window() {
      return element.getWindows().iterator().next();
    }

    @Override
    public PaneInfo paneInfo(DoFn<InputT, OutputT> doFn) {
      return element.getPane();
    }
  }
}
