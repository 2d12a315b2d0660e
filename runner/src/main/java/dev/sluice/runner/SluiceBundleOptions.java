package dev.sluice.runner;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Bundle limits of {@link SluiceRunner}: {@code --maxBundleSize} and {@code --maxBundleTimeMills},
 * named as in Beam's {@code FlinkPipelineOptions} so that a pipeline moves between the two runners
 * with the same flags.
 *
 * <p>Why not part of {@link SluicePipelineOptions}: Beam rejects one option name declared with
 * different {@code @Default}s, and Flink's defaults are factories of its own classes. When the
 * Flink runner is on the classpath these names are Flink's (with Flink's defaults) and Sluice reads
 * them from there ({@link BundleLimits}); otherwise {@link SluiceRunnerRegistrar} registers this
 * interface.
 */
public interface SluiceBundleOptions extends PipelineOptions {

  @Description("The maximum number of elements in a bundle: a DoFn's @FinishBundle runs at the latest after this many.")
  @Default.Long(1000)
  Long getMaxBundleSize();

  void setMaxBundleSize(Long maxBundleSize);

  @Description(
      "The maximum time in milliseconds a bundle stays open in streaming: a DoFn's @FinishBundle "
          + "(and bundle finalization) runs at the latest this long after the bundle's first element.")
  @Default.Long(1000)
  Long getMaxBundleTimeMills();

  void setMaxBundleTimeMills(Long maxBundleTimeMills);
}
