package dev.sluice.runner;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * {@link SluiceRunner} for tests ({@code --runner=TestSluiceRunner}): runs the pipeline to its
 * end, so that a failure surfaces from {@code pipeline.run()} as a
 * {@link Pipeline.PipelineExecutionException} whose cause is the user's exception (TestPipeline
 * turns a PAssert {@link AssertionError} cause back into the error itself).
 */
public final class TestSluiceRunner extends PipelineRunner<PipelineResult> {

  private final SluiceRunner delegate;

  private TestSluiceRunner(SluiceRunner delegate) {
    this.delegate = delegate;
  }

  public static TestSluiceRunner fromOptions(PipelineOptions options) {
    SluicePipelineOptions sluiceOptions = options.as(SluicePipelineOptions.class);
    sluiceOptions.setRunner(TestSluiceRunner.class);
    return new TestSluiceRunner(SluiceRunner.fromOptions(sluiceOptions));
  }

  public SluicePipelineOptions getPipelineOptions() {
    return delegate.getPipelineOptions();
  }

  /**
   * Runs and waits.
   *
   * @throws Pipeline.PipelineExecutionException if the job failed
   */
  @Override
  public SluicePipelineResult run(Pipeline pipeline) {
    SluicePipelineResult result = delegate.run(pipeline);
    result.waitUntilFinish();
    return result;
  }
}
