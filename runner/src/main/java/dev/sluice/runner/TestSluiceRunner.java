package dev.sluice.runner;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.TestPipelineOptions;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SluiceRunner} for tests ({@code --runner=TestSluiceRunner}): runs the pipeline to its
 * end, so that a failure surfaces from {@code pipeline.run()} as a
 * {@link Pipeline.PipelineExecutionException} whose cause is the user's exception (TestPipeline
 * turns a PAssert {@link AssertionError} cause back into the error itself).
 *
 * <p>Nothing hangs: a pipeline that has not ended after {@code --testTimeoutSeconds} (Beam's
 * {@link TestPipelineOptions}) is cancelled and the test fails with a dump of all threads, so the stuck operator can be seen.
 */
public final class TestSluiceRunner extends PipelineRunner<PipelineResult> {

  private static final Logger LOG = LoggerFactory.getLogger(TestSluiceRunner.class);
  /** How long a timed-out job gets to end after it was cancelled, before the test moves on. */
  private static final Duration CANCEL_GRACE = Duration.standardSeconds(30);

  private final SluiceRunner delegate;
  private final long timeoutSeconds;

  private TestSluiceRunner(SluiceRunner delegate, long timeoutSeconds) {
    this.delegate = delegate;
    this.timeoutSeconds = timeoutSeconds;
  }

  public static TestSluiceRunner fromOptions(PipelineOptions options) {
    SluicePipelineOptions sluiceOptions = options.as(SluicePipelineOptions.class);
    sluiceOptions.setRunner(TestSluiceRunner.class);
    // Beam's own test option (default 900 s); null or 0: no limit.
    Long timeout = options.as(TestPipelineOptions.class).getTestTimeoutSeconds();
    if (timeout != null && timeout < 0) {
      throw new IllegalArgumentException("--testTimeoutSeconds must be 0 (no limit) or positive, not " + timeout);
    }
    return new TestSluiceRunner(SluiceRunner.fromOptions(sluiceOptions), timeout == null ? 0 : timeout);
  }

  public SluicePipelineOptions getPipelineOptions() {
    return delegate.getPipelineOptions();
  }

  /**
   * Runs and waits.
   *
   * @throws Pipeline.PipelineExecutionException if the job failed
   * @throws PipelineTimeoutException if it did not end within the test timeout
   */
  @Override
  public SluicePipelineResult run(Pipeline pipeline) {
    SluicePipelineResult result = delegate.run(pipeline);
    if (timeoutSeconds == 0) {
      result.waitUntilFinish();
      return result;
    }
    if (result.waitUntilFinish(Duration.standardSeconds(timeoutSeconds)) == null) {
      String dump = ThreadDumps.allThreads();
      LOG.error("Pipeline {} did not end within {} s; cancelling it. Threads:\n{}", result, timeoutSeconds, dump);
      result.cancel();
      try {
        if (result.waitUntilFinish(CANCEL_GRACE) == null) {
          LOG.error("Pipeline {} did not end within {} after it was cancelled", result, CANCEL_GRACE);
        }
      } catch (RuntimeException failedWhileCancelling) {
        LOG.warn("Pipeline {} failed while being cancelled", result, failedWhileCancelling);
      }
      throw new PipelineTimeoutException(String.format(
          "Pipeline did not end within --testTimeoutSeconds=%d and was cancelled. Threads at the timeout:%n%s",
          timeoutSeconds, dump));
    }
    return result;
  }

  /** A test pipeline did not end in time. */
  public static final class PipelineTimeoutException extends RuntimeException {
    PipelineTimeoutException(String message) {
      super(message);
    }
  }
}
