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
 */
public record SluiceTranslationSettings(
    PipelineOptions pipelineOptions, int parallelism, int maxParallelism, boolean streaming, Map<String, String> engineConfig) {}
