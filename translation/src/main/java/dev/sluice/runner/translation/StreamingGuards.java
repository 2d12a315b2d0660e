package dev.sluice.runner.translation;

import org.apache.beam.sdk.transforms.PTransform;

/**
 * Streaming-only checks that no single translator can make, run before a primitive is
 * translated in streaming mode: what would hang rather than fail must fail here, naming the
 * transform and URN.
 *
 * <p>Nothing is rejected at the moment. Unbounded side inputs used to be (a ParDo read its side
 * inputs to their end before its main input); in streaming they now fill in per window while the
 * main input runs ({@code StreamingSideInputs}).
 */
final class StreamingGuards {

  private StreamingGuards() {}

  /** Throws {@link UnsupportedOperationException} for a transform streaming cannot run. */
  static void check(String name, PTransform<?, ?> transform) {}
}
