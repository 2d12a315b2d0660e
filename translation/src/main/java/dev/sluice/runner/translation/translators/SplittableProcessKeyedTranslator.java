package dev.sluice.runner.translation.translators;

import dev.sluice.engine.graph.Partitioning;
import dev.sluice.engine.serde.JavaSerialization;
import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.operators.SplittableDoFnOperator;
import dev.sluice.runner.translation.serde.KvKeySelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;

/**
 * Streaming: {@code ProcessKeyedElements} of a splittable DoFn
 * ({@code beam:transform:sdf_process_keyed_elements:v1}), which {@code PipelineTranslator.prepare}
 * leaves in place when the DoFn is unbounded per element -> one {@link SplittableDoFnOperator}
 * behind a HASH edge on the element's random byte[] key, so each restriction's state and resume
 * timer live in one subtask. Side input {@code i} on input {@code 1 + i}, BROADCAST; an
 * unbounded side input is rejected here, naming transform and URN (the operator reads side
 * inputs to their end first, so it would stall). One output port per output PCollection, the
 * main output first.
 */
public final class SplittableProcessKeyedTranslator
    implements TransformTranslator<SplittableParDo.ProcessKeyedElements<?, ?, ?, ?>> {

  /**
   * A restriction is checkpointed after this many outputs or this much processing time, so that
   * one restriction cannot keep the task from its other work (the Flink runner's numbers).
   */
  static final int MAX_OUTPUTS_PER_CHECKPOINT = 10_000;

  static final Duration MAX_DURATION_PER_CHECKPOINT = Duration.standardSeconds(10);

  @Override
  public void translate(SplittableParDo.ProcessKeyedElements<?, ?, ?, ?> transform, TranslationContext context) {
    String name = context.currentName();
    PCollection<?> input = context.mainInput();
    Map<TupleTag<?>, PCollection<?>> outputs = context.currentTransform().getOutputs();
    List<TupleTag<?>> ordered = new ArrayList<>();
    ordered.add(transform.getMainOutputTag());
    for (TupleTag<?> tag : transform.getAdditionalOutputTags().getAll()) {
      if (!ordered.contains(tag)) {
        ordered.add(tag);
      }
    }
    Map<TupleTag<?>, Integer> ports = new HashMap<>();
    for (TupleTag<?> tag : ordered) {
      if (outputs.containsKey(tag)) {
        ports.put(tag, ports.size());
      }
    }
    List<PCollectionView<?>> sideInputs = new ArrayList<>(transform.getSideInputs());
    for (PCollectionView<?> view : sideInputs) {
      // The operator reads its side inputs to their end before its main input.
      if (view.getPCollection() != null && view.getPCollection().isBounded() == PCollection.IsBounded.UNBOUNDED) {
        throw new UnsupportedOperationException(String.format(
            "Sluice cannot run transform '%s' (URN %s): its side input %s is unbounded, and a splittable DoFn "
                + "reads its side inputs to their end before its main input",
            name, PTransformTranslation.SPLITTABLE_PROCESS_KEYED_URN, view.getPCollection().getName()));
      }
    }
    SplittableDoFnOperator.Spec spec = new SplittableDoFnOperator.Spec(
        name,
        JavaSerialization.serialize(transform.getFn()),
        new SerializablePipelineOptions(context.settings().pipelineOptions()),
        transform.getElementCoder(),
        transform.getRestrictionCoder(),
        transform.getWatermarkEstimatorStateCoder(),
        transform.getInputWindowingStrategy(),
        transform.getMainOutputTag(),
        ports,
        new LinkedHashMap<>(transform.getSideInputMapping()),
        sideInputs,
        (int) Math.min(Integer.MAX_VALUE, context.settings().maxBundleSize()),
        MAX_OUTPUTS_PER_CHECKPOINT,
        MAX_DURATION_PER_CHECKPOINT);
    int node = context.addOperator(
        name, () -> new SplittableDoFnOperator(spec), context.parallelism(), 1 + sideInputs.size(), Math.max(1, ports.size()));
    context.connect(input, node, 0, Partitioning.hash(new KvKeySelector<>(ByteArrayCoder.of())));
    for (int i = 0; i < sideInputs.size(); i++) {
      context.connect(sideInputs.get(i).getPCollection(), node, 1 + i, Partitioning.broadcast());
    }
    for (Map.Entry<TupleTag<?>, Integer> e : ports.entrySet()) {
      context.setProducer(outputs.get(e.getKey()), node, e.getValue());
    }
  }
}
