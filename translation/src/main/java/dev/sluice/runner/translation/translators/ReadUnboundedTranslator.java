package dev.sluice.runner.translation.translators;

import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.UnboundedSourceOperator;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/**
 * An unbounded primitive read ({@code beam:transform:read:v1} of an {@link UnboundedSource};
 * after {@code PipelineTranslator.prepare}, {@code SplittableParDo.PrimitiveUnboundedRead}). The
 * source is split at translation into {@code parallelism} splits (deterministic: every attempt
 * of a subtask reads the same splits), dealt round-robin to the subtasks of an
 * {@link UnboundedSourceOperator}, which reads a subtask's splits interleaved.
 */
public final class ReadUnboundedTranslator implements TransformTranslator<PTransform<?, ?>> {

  /** Whether {@code transform} is an unbounded read this translator takes. */
  static boolean isUnboundedRead(PTransform<?, ?> transform) {
    return transform instanceof SplittableParDo.PrimitiveUnboundedRead<?> || transform instanceof Read.Unbounded<?>;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void translate(PTransform<?, ?> transform, TranslationContext context) throws Exception {
    UnboundedSource<Object, ?> source;
    if (transform instanceof SplittableParDo.PrimitiveUnboundedRead<?> primitive) {
      source = (UnboundedSource<Object, ?>) primitive.getSource();
    } else if (transform instanceof Read.Unbounded<?> read) {
      source = (UnboundedSource<Object, ?>) read.getSource();
    } else {
      throw new IllegalArgumentException(String.format(
          "Transform '%s' (URN %s, %s) is not an unbounded read",
          context.currentName(), PTransformTranslation.READ_TRANSFORM_URN, transform.getClass().getName()));
    }
    String name = context.currentName();
    int parallelism = context.parallelism();
    PipelineOptions options = context.settings().pipelineOptions();
    List<List<UnboundedSource<Object, ?>>> assignment = assign(split(name, source, parallelism, options), parallelism);
    SerializablePipelineOptions serializableOptions = new SerializablePipelineOptions(options);
    int node = context.addOperator(
        name, () -> new UnboundedSourceOperator<>(name, assignment, serializableOptions, null), parallelism, 0, 1);
    context.setProducer(context.output(), node, 0);
  }

  /** Splits into {@code desiredSplits}; the unsplit source if splitting returns nothing. */
  static <T> List<UnboundedSource<T, ?>> split(
      String name, UnboundedSource<T, ?> source, int desiredSplits, PipelineOptions options) {
    List<? extends UnboundedSource<T, ?>> splits;
    try {
      splits = source.split(desiredSplits, options);
    } catch (Exception e) {
      throw new IllegalStateException("Failed to split the unbounded source of '" + name + "': " + e, e);
    }
    return splits.isEmpty() ? List.of(source) : new ArrayList<>(splits);
  }

  /** Deals splits round-robin: subtask {@code i} gets splits {@code i, i + p, i + 2p, ...}. */
  static <T> List<List<UnboundedSource<T, ?>>> assign(List<UnboundedSource<T, ?>> splits, int parallelism) {
    List<List<UnboundedSource<T, ?>>> assignment = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) {
      assignment.add(new ArrayList<>());
    }
    for (int i = 0; i < splits.size(); i++) {
      assignment.get(i % parallelism).add(splits.get(i));
    }
    return assignment;
  }
}
