package dev.sluice.runner.translation.operators;

import java.io.Closeable;
import java.io.IOException;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.slf4j.Logger;

/**
 * The set-up and tear-down of one operator's DoFn instance, shared by {@link DoFnOperator} and
 * {@link SplittableDoFnOperator}: {@code @Setup} runs lazily before the first bundle (a subtask
 * that never gets an element never sets its DoFn up), {@code @Teardown} at most once in
 * {@code close}, best effort, and only if {@code @Setup} was called.
 *
 * <h3>Threading model</h3>
 * Mailbox thread only, like the operator that owns it.
 *
 * <h3>Lifecycle</h3>
 * Built in the operator's {@code open} -> {@link #setUpIfNeeded()} before each bundle ->
 * {@link #teardownQuietly()} in {@code close}. Warnings go to the owning operator's logger.
 */
final class DoFnLifecycle {

  private final String operatorName;
  private final String stepName;
  private final String taskName;
  private final DoFnInvoker<Object, Object> invoker;
  private final PipelineOptions options;
  private final MetricsContainer metrics;
  private final Logger log;
  /** Whether {@code @Setup} was called. */
  private boolean setUp;
  private boolean tornDown;

  /**
   * @param operatorName the operator's class name, the start of the DoFn methods' error context
   * @param log the owning operator's logger
   */
  DoFnLifecycle(String operatorName, String stepName, String taskName, DoFnInvoker<Object, Object> invoker,
      PipelineOptions options, MetricsContainer metrics, Logger log) {
    this.operatorName = operatorName;
    this.stepName = stepName;
    this.taskName = taskName;
    this.invoker = invoker;
    this.options = options;
    this.metrics = metrics;
    this.log = log;
  }

  /** Calls {@code @Setup} the first time. Call inside the metrics scope. */
  void setUpIfNeeded() {
    if (!setUp) {
      // Marked first: a @Setup that throws still gets its @Teardown in close().
      setUp = true;
      invoker.invokeSetup(arguments("Setup"));
    }
  }

  /** Calls {@code @Teardown} in the metrics scope if {@code @Setup} was called; a failure is logged, not thrown. */
  void teardownQuietly() {
    if (!setUp || tornDown) {
      return;
    }
    tornDown = true;
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      invoker.invokeTeardown();
    } catch (Exception e) {
      // Teardown is best effort (Beam does not guarantee it); the task's outcome stands.
      log.warn("{}: @Teardown of {} failed; ignoring it", taskName, stepName, e);
    }
  }

  /** Closes a buffer that may hold a spill file; a failure to delete it is logged, not thrown. */
  void closeSpillQuietly(Closeable spill) {
    try {
      spill.close();
    } catch (IOException e) {
      log.warn("{}: could not delete the spill file of {}; the task's temp directory goes with the task", taskName, stepName, e);
    }
  }

  /** Arguments of a lifecycle method ({@code Setup}, {@code StartBundle}, ...): pipeline options and error context. */
  Arguments arguments(String method) {
    return new Arguments(method);
  }

  /** Pipeline options and the error context "{@code <operator>/<method> of <step>}"; subclass for more. */
  class Arguments extends DoFnInvoker.BaseArgumentProvider<Object, Object> {
    private final String method;

    Arguments(String method) {
      this.method = method;
    }

    @Override
    public PipelineOptions pipelineOptions() {
      return options;
    }

    @Override
    public String getErrorContext() {
      return operatorName + "/" + method + " of " + stepName;
    }
  }
}
