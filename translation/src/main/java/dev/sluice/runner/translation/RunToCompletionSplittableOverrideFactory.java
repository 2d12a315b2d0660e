package dev.sluice.runner.translation;

import java.util.Map;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.runners.PTransformOverrideFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.util.construction.PTransformReplacements;
import org.apache.beam.sdk.util.construction.ReplacementOutputs;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Batch: replaces {@code ProcessKeyedElements} of any splittable DoFn, bounded or unbounded per
 * element, with a reshuffle of the (element, restriction) pairs and a plain ParDo of
 * {@link RunToCompletionSplittableFn}, which processes each restriction to its end, going on
 * after every checkpoint (so an unbounded-per-element DoFn whose restrictions end, say
 * {@code PeriodicImpulse} with a stop time, runs to completion in batch; one whose restriction
 * never ends keeps its task busy until the job is cancelled) and supports bundle finalization.
 * Beam's own {@code SplittableParDoNaiveBounded} accepts only {@code @BoundedPerElement} DoFns
 * and has no bundle finalizer; the shape of the expansion is the same.
 */
final class RunToCompletionSplittableOverrideFactory<InputT, OutputT, RestrictionT, WatermarkEstimatorStateT>
    implements PTransformOverrideFactory<
        PCollection<KV<byte[], KV<InputT, RestrictionT>>>,
        PCollectionTuple,
        SplittableParDo.ProcessKeyedElements<InputT, OutputT, RestrictionT, WatermarkEstimatorStateT>> {

  @Override
  public PTransformReplacement<PCollection<KV<byte[], KV<InputT, RestrictionT>>>, PCollectionTuple> getReplacementTransform(
      AppliedPTransform<
              PCollection<KV<byte[], KV<InputT, RestrictionT>>>,
              PCollectionTuple,
              SplittableParDo.ProcessKeyedElements<InputT, OutputT, RestrictionT, WatermarkEstimatorStateT>>
          transform) {
    return PTransformReplacement.of(
        PTransformReplacements.getSingletonMainInput(transform), expansion(transform.getTransform()));
  }

  @Override
  public Map<PCollection<?>, ReplacementOutput> mapOutputs(Map<TupleTag<?>, PCollection<?>> outputs, PCollectionTuple newOutput) {
    return ReplacementOutputs.tagged(outputs, newOutput);
  }

  /**
   * Whether {@code node} is the ParDo of this expansion: its output may be UNBOUNDED (an
   * unbounded-per-element DoFn) and still runs to completion in batch.
   */
  static boolean isRunToCompletionProcess(TransformHierarchy.Node node) {
    return node.getTransform() instanceof ParDo.MultiOutput<?, ?> parDo
        && parDo.getFn() instanceof RunToCompletionSplittableFn<?, ?, ?, ?, ?>;
  }

  private static <InputT, OutputT, RestrictionT, W> PTransform<PCollection<KV<byte[], KV<InputT, RestrictionT>>>, PCollectionTuple> expansion(
      SplittableParDo.ProcessKeyedElements<InputT, OutputT, RestrictionT, W> original) {
    return new RunToCompletion<>(original);
  }

  /** Reshuffle (spreads the restrictions over subtasks), drop the key, process to completion. */
  private static final class RunToCompletion<InputT, OutputT, RestrictionT, W>
      extends PTransform<PCollection<KV<byte[], KV<InputT, RestrictionT>>>, PCollectionTuple> {
    private final SplittableParDo.ProcessKeyedElements<InputT, OutputT, RestrictionT, W> original;

    RunToCompletion(SplittableParDo.ProcessKeyedElements<InputT, OutputT, RestrictionT, W> original) {
      this.original = original;
    }

    @Override
    public PCollectionTuple expand(PCollection<KV<byte[], KV<InputT, RestrictionT>>> input) {
      return input
          .apply("Reshuffle", Reshuffle.of())
          .apply("Drop key", Values.create())
          .apply("RunToCompletion", ParDo.of(
                  new RunToCompletionSplittableFn<InputT, OutputT, RestrictionT, Object, W>(
                      original.getFn(), original.getSideInputMapping()))
              .withSideInputs(original.getSideInputs())
              .withOutputTags(original.getMainOutputTag(), original.getAdditionalOutputTags()));
    }
  }
}
