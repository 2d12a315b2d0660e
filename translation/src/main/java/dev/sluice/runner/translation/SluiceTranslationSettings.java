package dev.sluice.runner.translation;

import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * What translation needs to know besides the pipeline.
 *
 * @param parallelism default parallelism of operators
 * @param maxParallelism number of key groups
 * @param streaming true for streaming execution (not supported yet: see the streaming issue)
 * @param engineConfig passed through to {@code JobGraph.config()} (see {@code JobConfig})
 * @param maxBundleSize elements after which a DoFn's bundle finishes
 * @param maxBundleTimeMillis milliseconds after its first element that a DoFn's bundle finishes
 *     in streaming
 */
public record SluiceTranslationSettings(
    PipelineOptions pipelineOptions,
    int parallelism,
    int maxParallelism,
    boolean streaming,
    Map<String, String> engineConfig,
    long maxBundleSize,
    long maxBundleTimeMillis) {

  /** Bundles of at most this many elements unless told otherwise (Beam's Flink runner's streaming default). */
  public static final long DEFAULT_MAX_BUNDLE_SIZE = 1000;

  /** Bundles open at most this long (ms) in streaming unless told otherwise (as Flink's streaming default). */
  public static final long DEFAULT_MAX_BUNDLE_TIME_MILLIS = 1000;

  /** With the default bundle limits. */
  public SluiceTranslationSettings(
      PipelineOptions pipelineOptions, int parallelism, int maxParallelism, boolean streaming, Map<String, String> engineConfig) {
    this(pipelineOptions, parallelism, maxParallelism, streaming, engineConfig, DEFAULT_MAX_BUNDLE_SIZE, DEFAULT_MAX_BUNDLE_TIME_MILLIS);
  }
}
