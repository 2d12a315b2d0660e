package dev.sluice.runner;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of {@link TestSluiceRunner}, on top of the runner's own. */
public interface TestSluicePipelineOptions extends SluicePipelineOptions {

  @Description(
      "How long TestSluiceRunner waits for a pipeline to end. When it passes, the runner logs a dump "
          + "of all threads, cancels the job and fails the test with that dump. 0: wait without limit.")
  @Default.Long(300)
  Long getTestTimeoutSeconds();

  void setTestTimeoutSeconds(Long seconds);
}
