package dev.sluice.runner.translation;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Streaming-only checks that no single translator can make, run before a primitive is
 * translated in streaming mode: what would hang rather than fail must fail here, naming the
 * transform and URN.
 */
final class StreamingGuards {

  private StreamingGuards() {}

  /**
   * A ParDo reads its side inputs to their end before its main input, so an unbounded side
   * input would stall it forever.
   */
  static void check(String name, PTransform<?, ?> transform) {
    if (transform instanceof ParDo.MultiOutput<?, ?> parDo) {
      for (PCollectionView<?> view : parDo.getSideInputs().values()) {
        PCollection<?> pc = view.getPCollection();
        if (pc != null && pc.isBounded() == PCollection.IsBounded.UNBOUNDED) {
          throw new UnsupportedOperationException(String.format(
              "Sluice cannot run transform '%s' (URN %s): its side input %s is unbounded, and side inputs "
                  + "that never end are not supported in streaming mode yet",
              name, PTransformTranslation.PAR_DO_TRANSFORM_URN, pc.getName()));
        }
      }
    }
  }
}
