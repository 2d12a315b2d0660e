package dev.sluice.runner.translation;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.runners.PTransformOverrideFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.construction.PTransformReplacements;
import org.apache.beam.sdk.util.construction.ReplacementOutputs;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.util.construction.SplittableParDoNaiveBounded;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Batch: replaces {@code ProcessKeyedElements} of any splittable DoFn, bounded or unbounded per
 * element, with Beam's naive expansion ({@link SplittableParDoNaiveBounded}), which processes
 * each restriction to its end in one call: on {@code resume()} it checkpoints, waits out the
 * resume delay and goes on with the residual. Beam's own factory accepts only
 * {@code @BoundedPerElement} DoFns; the expansion itself handles resumes, so an unbounded-per-
 * element DoFn whose restrictions end (say {@code PeriodicImpulse} with a stop time) runs to
 * completion in batch. One whose restriction never ends keeps its task busy until the job is
 * cancelled.
 *
 * <p>The expansion's transform class is package-private in Beam, hence the reflection; it fails
 * at translation, naming the Beam class, if a Beam upgrade changes it.
 */
final class NaiveSplittableOverrideFactory<InputT, OutputT, RestrictionT, WatermarkEstimatorStateT>
    implements PTransformOverrideFactory<
        PCollection<KV<byte[], KV<InputT, RestrictionT>>>,
        PCollectionTuple,
        SplittableParDo.ProcessKeyedElements<InputT, OutputT, RestrictionT, WatermarkEstimatorStateT>> {

  private static final String NAIVE_TRANSFORM =
      SplittableParDoNaiveBounded.class.getName() + "$SplittableProcessNaive";
  private static final String NAIVE_FN = SplittableParDoNaiveBounded.class.getName() + "$NaiveProcessFn";

  @Override
  public PTransformReplacement<PCollection<KV<byte[], KV<InputT, RestrictionT>>>, PCollectionTuple> getReplacementTransform(
      AppliedPTransform<
              PCollection<KV<byte[], KV<InputT, RestrictionT>>>,
              PCollectionTuple,
              SplittableParDo.ProcessKeyedElements<InputT, OutputT, RestrictionT, WatermarkEstimatorStateT>>
          transform) {
    return PTransformReplacement.of(
        PTransformReplacements.getSingletonMainInput(transform), naiveExpansion(transform.getTransform()));
  }

  @Override
  public Map<PCollection<?>, ReplacementOutput> mapOutputs(Map<TupleTag<?>, PCollection<?>> outputs, PCollectionTuple newOutput) {
    return ReplacementOutputs.tagged(outputs, newOutput);
  }

  /**
   * Whether {@code node} is the ParDo of a naive splittable expansion: its output may be
   * UNBOUNDED (an unbounded-per-element DoFn) and still runs to completion in batch.
   */
  static boolean isNaiveSplittableProcess(TransformHierarchy.Node node) {
    PTransform<?, ?> transform = node.getTransform();
    if (transform == null) {
      return false;
    }
    if (transform.getClass().getName().equals(NAIVE_TRANSFORM)) {
      return true;
    }
    if (transform instanceof ParDo.MultiOutput<?, ?> parDo) {
      DoFn<?, ?> fn = parDo.getFn();
      return fn.getClass().getName().equals(NAIVE_FN);
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static <InputT, OutputT, RestrictionT, W> PTransform<PCollection<KV<byte[], KV<InputT, RestrictionT>>>, PCollectionTuple> naiveExpansion(
      SplittableParDo.ProcessKeyedElements<InputT, OutputT, RestrictionT, W> original) {
    try {
      Class<?> naive = Class.forName(NAIVE_TRANSFORM, true, SplittableParDoNaiveBounded.class.getClassLoader());
      Constructor<?> constructor = naive.getDeclaredConstructor(SplittableParDo.ProcessKeyedElements.class);
      constructor.setAccessible(true);
      return (PTransform<PCollection<KV<byte[], KV<InputT, RestrictionT>>>, PCollectionTuple>) constructor.newInstance(original);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("Beam's naive splittable expansion rejected DoFn " + original.getFn().getClass().getName(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(String.format(
          "Sluice cannot expand the splittable DoFn %s: Beam class %s is not as expected (Beam version change?)",
          original.getFn().getClass().getName(), NAIVE_TRANSFORM), e);
    }
  }
}
