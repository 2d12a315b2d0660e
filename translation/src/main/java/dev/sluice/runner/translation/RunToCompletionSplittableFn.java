package dev.sluice.runner.translation;

import dev.sluice.runner.translation.operators.SplittableInvocation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.beam.runners.core.OutputAndTimeBoundedSplittableProcessElementInvoker;
import org.apache.beam.runners.core.OutputWindowedValue;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.runners.core.SplittableProcessElementInvoker;
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
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Batch processing of a splittable DoFn (bounded or unbounded per element): processes each
 * (element, restriction) to its end in one call. When the DoFn checkpoints ({@code resume()}),
 * the part processed so far counts as a finished bundle: the bundle finalization callbacks
 * registered until then run (its output was already handed on), the resume delay is waited out
 * and the residual restriction goes on. Callbacks registered after the last checkpoint go to the
 * enclosing bundle's finalizer (the operator's, run after finishBundle). (runners-core gives no
 * bundle finalizer to {@code @StartBundle}/{@code @FinishBundle}, so neither does this.)
 *
 * <p>The DoFn itself runs through runners-core's
 * {@link OutputAndTimeBoundedSplittableProcessElementInvoker}, which supplies all of its
 * {@code @ProcessElement} arguments; its bound on outputs is off, and its time bound only makes
 * a long restriction checkpoint every {@link #CHECKPOINT_EVERY} (then processing goes on).
 *
 * <h3>Threading model</h3>
 * Called on the task's thread like any DoFn; the invoker's time-bound checkpoint runs on a
 * private scheduler thread, so the restriction tracker is wrapped to be thread-safe.
 */
final class RunToCompletionSplittableFn<InputT, OutputT, RestrictionT, PositionT, WatermarkEstimatorStateT>
    extends DoFn<KV<InputT, RestrictionT>, OutputT> {

  static final Duration CHECKPOINT_EVERY = Duration.standardSeconds(10);

  private final DoFn<InputT, OutputT> fn;
  private final Map<String, PCollectionView<?>> sideInputMapping;

  private transient DoFnInvoker<InputT, OutputT> invoker;
  private transient ScheduledExecutorService checkpointScheduler;
  private transient PipelineOptions options;

  RunToCompletionSplittableFn(DoFn<InputT, OutputT> fn, Map<String, PCollectionView<?>> sideInputMapping) {
    this.fn = fn;
    this.sideInputMapping = sideInputMapping;
  }

  @Override
  public Duration getAllowedTimestampSkew() {
    return fn.getAllowedTimestampSkew();
  }

  @Setup
  public void setup(PipelineOptions options) {
    this.options = options;
    invoker = DoFnInvokers.invokerFor(fn);
    checkpointScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sluice-sdf-checkpoint");
      t.setDaemon(true);
      return t;
    });
    invoker.invokeSetup(new Arguments("Setup"));
  }

  @StartBundle
  public void startBundle(StartBundleContext outer) {
    invoker.invokeStartBundle(new Arguments("StartBundle") {
      @Override
      public DoFn<InputT, OutputT>.StartBundleContext startBundleContext(DoFn<InputT, OutputT> doFn) {
        return doFn.new StartBundleContext() {
          @Override
          public PipelineOptions getPipelineOptions() {
            return outer.getPipelineOptions();
          }
        };
      }
    });
  }

  @ProcessElement
  public void process(ProcessContext c, BoundedWindow window, BundleFinalizer outerFinalizer) throws Exception {
    InputT element = c.element().getKey();
    List<Registered> registered = new ArrayList<>();
    BundleFinalizer local = (expiry, callback) -> registered.add(new Registered(expiry, callback));
    SplittableProcessElementInvoker<InputT, OutputT, RestrictionT, PositionT, WatermarkEstimatorStateT> processInvoker =
        new OutputAndTimeBoundedSplittableProcessElementInvoker<>(
            fn, options, new ContextOutput(c), new ContextSideInputs(c), checkpointScheduler,
            Integer.MAX_VALUE, CHECKPOINT_EVERY, () -> local);
    WindowedValue<InputT> windowed = WindowedValue.of(element, c.timestamp(), window, c.pane());

    RestrictionT restriction = c.element().getValue();
    Arguments initial = new Arguments("GetInitialWatermarkEstimatorState", windowed, restriction, null, c);
    @SuppressWarnings("unchecked")
    WatermarkEstimatorStateT estimatorState = (WatermarkEstimatorStateT) invoker.invokeGetInitialWatermarkEstimatorState(initial);
    while (true) {
      Arguments args = new Arguments("NewTracker", windowed, restriction, estimatorState, c);
      SplittableProcessElementInvoker<InputT, OutputT, RestrictionT, PositionT, WatermarkEstimatorStateT>.Result result =
          SplittableInvocation.processRestriction(invoker, processInvoker, args, windowed, sideInputMapping);
      RestrictionT residual = result.getResidualRestriction();
      if (residual == null) {
        break;
      }
      // A checkpoint: what ran so far is a finished bundle whose output was handed on.
      runFinalizations(registered);
      long delay = result.getContinuation().resumeDelay().getMillis();
      if (delay > 0) {
        Thread.sleep(delay);
      }
      restriction = residual;
      estimatorState = result.getFutureWatermarkEstimatorState();
    }
    for (Registered r : registered) {
      outerFinalizer.afterBundleCommit(r.expiry(), r.callback());
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext outer) {
    invoker.invokeFinishBundle(new Arguments("FinishBundle") {
      @Override
      public DoFn<InputT, OutputT>.FinishBundleContext finishBundleContext(DoFn<InputT, OutputT> doFn) {
        return doFn.new FinishBundleContext() {
          @Override
          public PipelineOptions getPipelineOptions() {
            return outer.getPipelineOptions();
          }

          @Override
          public void output(OutputT output, Instant timestamp, BoundedWindow window) {
            outer.output(output, timestamp, window);
          }

          @Override
          public <T> void output(TupleTag<T> tag, T output, Instant timestamp, BoundedWindow window) {
            outer.output(tag, output, timestamp, window);
          }
        };
      }
    });
  }

  @Teardown
  public void teardown() {
    try {
      if (invoker != null) {
        invoker.invokeTeardown();
      }
    } finally {
      if (checkpointScheduler != null) {
        checkpointScheduler.shutdownNow();
      }
    }
  }

  private static void runFinalizations(List<Registered> registered) throws Exception {
    Instant now = Instant.now();
    for (Registered r : registered) {
      if (!r.expiry().isBefore(now)) {
        r.callback().onBundleSuccess();
      }
    }
    registered.clear();
  }

  private record Registered(Instant expiry, BundleFinalizer.Callback callback) {}

  /** Arguments of the DoFn's restriction, tracker, estimator and lifecycle methods. */
  private class Arguments extends SplittableInvocation.ElementArguments<InputT, OutputT> {
    private final String method;
    private final ProcessContext context;

    Arguments(String method) {
      this(method, null, null, null, null);
    }

    /** @param element the element in its one window, with the context's timestamp and pane */
    Arguments(String method, WindowedValue<InputT> element, Object restriction, Object estimatorState, ProcessContext context) {
      super(element, restriction, estimatorState);
      this.method = method;
      this.context = context;
    }

    @Override
    public Object sideInput(String tagId) {
      return context.sideInput(sideInputMapping.get(tagId));
    }

    @Override
    public PipelineOptions pipelineOptions() {
      return options;
    }

    @Override
    public String getErrorContext() {
      return "RunToCompletionSplittableFn/" + method + " of " + fn.getClass().getName();
    }
  }

  /** The DoFn's outputs, through the enclosing DoFn's context (same element, same window). */
  private final class ContextOutput implements OutputWindowedValue<OutputT> {
    private final ProcessContext context;

    ContextOutput(ProcessContext context) {
      this.context = context;
    }

    @Override
    public void outputWindowedValue(OutputT output, Instant timestamp, Collection<? extends BoundedWindow> windows, PaneInfo pane) {
      context.outputWithTimestamp(output, timestamp);
    }

    @Override
    public <AdditionalOutputT> void outputWindowedValue(
        TupleTag<AdditionalOutputT> tag, AdditionalOutputT output, Instant timestamp,
        Collection<? extends BoundedWindow> windows, PaneInfo pane) {
      context.outputWithTimestamp(tag, output, timestamp);
    }
  }

  /** Side inputs of the enclosing DoFn, which declares the same views; read in the element's window. */
  private final class ContextSideInputs implements SideInputReader {
    private final ProcessContext context;

    ContextSideInputs(ProcessContext context) {
      this.context = context;
    }

    @Override
    public <T> T get(PCollectionView<T> view, BoundedWindow window) {
      return context.sideInput(view);
    }

    @Override
    public <T> boolean contains(PCollectionView<T> view) {
      return sideInputMapping.containsValue(view);
    }

    @Override
    public boolean isEmpty() {
      return sideInputMapping.isEmpty();
    }
  }
}
