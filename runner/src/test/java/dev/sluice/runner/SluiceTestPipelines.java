package dev.sluice.runner;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestPipeline;

/**
 * Pipelines on {@link TestSluiceRunner} for JUnit 5 tests. Beam's {@link TestPipeline} only runs
 * as a JUnit 4 rule, so this does what it does around a run: run to the end, rethrow a PAssert
 * failure as the {@link AssertionError} itself, and check that every PAssert reported success.
 */
final class SluiceTestPipelines {

  private SluiceTestPipelines() {}

  static Pipeline create(int parallelism) {
    return Pipeline.create(options(parallelism));
  }

  static SluicePipelineOptions options(int parallelism) {
    SluicePipelineOptions options = PipelineOptionsFactory.as(SluicePipelineOptions.class);
    options.setRunner(TestSluiceRunner.class);
    options.setParallelism(parallelism);
    return options;
  }

  /** Runs on TestSluiceRunner and verifies the PAsserts, as {@code TestPipeline.run()} does. */
  static PipelineResult run(Pipeline pipeline) {
    PipelineResult result;
    try {
      result = pipeline.run();
    } catch (Pipeline.PipelineExecutionException e) {
      if (e.getCause() instanceof AssertionError assertionError) {
        throw assertionError;
      }
      throw e;
    }
    TestPipeline.verifyPAssertsSucceeded(pipeline, result);
    return result;
  }
}
