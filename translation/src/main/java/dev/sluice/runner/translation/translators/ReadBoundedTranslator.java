package dev.sluice.runner.translation.translators;

import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.BoundedSourceOperator;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.ReadTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.PCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primitive read ({@code beam:transform:read:v1}; after {@code PipelineTranslator.prepare} the
 * pipeline holds {@code SplittableParDo.PrimitiveBoundedRead}). The source is split at
 * translation into about {@code parallelism * }{@link #SPLITS_PER_SUBTASK} bundles by its
 * estimated size, and the splits are dealt round-robin to the subtasks. Metrics that
 * {@code split} reports are kept and counted once, by subtask 0 of the source. Unbounded reads are
 * rejected: streaming sources come with the streaming issue.
 */
public final class ReadBoundedTranslator implements TransformTranslator<PTransform<?, ?>> {

  private static final Logger LOG = LoggerFactory.getLogger(ReadBoundedTranslator.class);

  /** More splits than subtasks evens out splits of unequal size. */
  static final int SPLITS_PER_SUBTASK = 2;

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void translate(PTransform<?, ?> transform, TranslationContext context) throws IOException {
    Object read = transform;
    BoundedSource<Object> source;
    if (read instanceof SplittableParDo.PrimitiveBoundedRead<?> primitive) {
      source = (BoundedSource<Object>) primitive.getSource();
    } else if (read instanceof Read.Bounded<?> bounded) {
      source = (BoundedSource<Object>) bounded.getSource();
    } else if (read instanceof SplittableParDo.PrimitiveUnboundedRead<?>
        || read instanceof Read.Unbounded<?>
        || ReadTranslation.sourceIsBounded(context.currentTransform()) == PCollection.IsBounded.UNBOUNDED) {
      throw new UnsupportedOperationException(String.format(
          "Sluice cannot run transform '%s' (URN %s): streaming/unbounded sources are not supported yet",
          context.currentName(), PTransformTranslation.READ_TRANSFORM_URN));
    } else {
      source = ReadTranslation.boundedSourceFromTransform((AppliedPTransform) context.currentTransform());
    }
    PipelineOptions options = context.settings().pipelineOptions();
    int parallelism = context.parallelism();
    // split() runs user code that may report Beam metrics; they count under this Read step.
    MetricsContainerImpl splitMetrics = new MetricsContainerImpl(context.currentName());
    List<? extends BoundedSource<Object>> splits;
    try (Closeable ignored = MetricsEnvironment.scopedMetricsContainer(splitMetrics)) {
      splits = split(context.currentName(), source, parallelism, options);
    }
    List<List<BoundedSource<Object>>> assignment = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) {
      assignment.add(new ArrayList<>());
    }
    for (int i = 0; i < splits.size(); i++) {
      assignment.get(i % parallelism).add(splits.get(i));
    }
    String name = context.currentName();
    SerializablePipelineOptions serializableOptions = new SerializablePipelineOptions(options);
    int node = context.addOperator(
        name, () -> new BoundedSourceOperator<>(name, assignment, serializableOptions, splitMetrics), parallelism, 0, 1);
    context.setProducer(context.output(), node, 0);
  }

  /**
   * Splits into bundles of {@code estimatedSize / (parallelism * SPLITS_PER_SUBTASK)} bytes (at
   * least 1: like Beam's own runners, a source whose size is unknown (0) is still asked to
   * split); the unsplit source if splitting yields nothing or fails (reading then still works,
   * only without parallelism).
   */
  static <T> List<? extends BoundedSource<T>> split(
      String name, BoundedSource<T> source, int parallelism, PipelineOptions options) {
    try {
      long size = Math.max(0, source.getEstimatedSizeBytes(options));
      long desiredBundleSize = Math.max(1, size / ((long) parallelism * SPLITS_PER_SUBTASK));
      List<? extends BoundedSource<T>> splits = source.split(desiredBundleSize, options);
      return splits == null || splits.isEmpty() ? List.of(source) : splits;
    } catch (Exception e) {
      LOG.warn("Could not split the source of {}; reading it unsplit in one subtask", name, e);
      return List.of(source);
    }
  }
}
