package dev.sluice.runner.translation;

import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobGraphBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.PTransformOverride;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.PTransformMatchers;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Beam pipeline -> engine {@link JobGraph}. Walks the pipeline in topological order; a composite
 * with a registered translator that accepts it is translated whole, anything else is entered;
 * every primitive must have a translator, or translation fails naming the transform and URN.
 *
 * <p>This walks the Java SDK's pipeline objects (as Beam's classic Flink runner does) rather
 * than the Runner API protos, so user functions run in-process without a rehydration step; the
 * portable path (Fn API stages) will translate protos separately.
 */
public final class PipelineTranslator {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineTranslator.class);

  private final SluiceTranslationSettings settings;
  private final TranslatorRegistry registry;

  public PipelineTranslator(SluiceTranslationSettings settings) {
    this(settings, TranslatorRegistry.standard());
  }

  public PipelineTranslator(SluiceTranslationSettings settings, TranslatorRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  /**
   * Rewrites the pipeline into the primitives Sluice executes: SDF-wrapped reads back to
   * primitive reads, and splittable DoFns to plain DoFns that process each restriction to its
   * end ({@link RunToCompletionSplittableOverrideFactory}). In batch every splittable DoFn is
   * rewritten so, bounded or unbounded per element; in streaming only those with bounded output
   * are, and an unbounded splittable DoFn stays a {@code ProcessKeyedElements} primitive, which
   * becomes a {@code SplittableDoFnOperator}: restrictions checkpoint into keyed state and resume
   * from processing-time timers, holding the output watermark meanwhile.
   */
  public static void prepare(Pipeline pipeline, boolean streaming) {
    expandSplittableParDos(pipeline);
    pipeline.replaceAll(List.of(
        PTransformOverride.of(
            streaming
                ? PTransformMatchers.splittableProcessKeyedBounded()
                : PTransformMatchers.urnEqualTo(PTransformTranslation.SPLITTABLE_PROCESS_KEYED_URN),
            new RunToCompletionSplittableOverrideFactory<>())));
  }

  /**
   * The first step of {@link #prepare}, the same in batch and streaming: SDF-wrapped reads back
   * to primitive reads, and every other splittable ParDo expanded into its
   * {@code ProcessKeyedElements} primitive. A runner that decides between batch and streaming by
   * {@link #producersOfUnboundedCollections} calls this first, then {@code prepare} in the mode
   * it chose (prepare calls it again, which then finds nothing to do).
   */
  public static void expandSplittableParDos(Pipeline pipeline) {
    SplittableParDo.convertReadBasedSplittableDoFnsToPrimitiveReadsIfNecessary(pipeline);
    pipeline.replaceAll(List.of(
        PTransformOverride.of(PTransformMatchers.splittableParDo(), new SplittableParDo.OverrideFactory<>())));
  }

  /**
   * Batch: the UNBOUNDED collections of a pipeline (after {@link #expandSplittableParDos} or
   * {@link #prepare}) that cannot run to completion, i.e. all except those that are unbounded
   * only because an unbounded-per-element splittable DoFn (which batch processes to completion,
   * see {@link #prepare}) produced them or their inputs. Unbounded reads stay in the result. Returns one description per such collection:
   * {@code "'<producer>' produces the unbounded collection <name>"}.
   */
  public static List<String> producersOfUnboundedCollections(Pipeline pipeline) {
    Set<PCollection<?>> runToCompletion = new HashSet<>();
    List<String> producers = new ArrayList<>();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitValue(PValue value, TransformHierarchy.Node producer) {
        if (!(value instanceof PCollection<?> pc) || pc.isBounded() != PCollection.IsBounded.UNBOUNDED
            || runToCompletion.contains(pc)) {
          return;
        }
        boolean fromSplittable = RunToCompletionSplittableOverrideFactory.isRunToCompletionProcess(producer)
            || producer.getTransform() instanceof SplittableParDo.ProcessKeyedElements<?, ?, ?, ?>;
        boolean hasUnboundedInput = false;
        boolean allUnboundedInputsComplete = true;
        for (PValue input : producer.getInputs().values()) {
          if (input instanceof PCollection<?> in && in.isBounded() == PCollection.IsBounded.UNBOUNDED) {
            hasUnboundedInput = true;
            allUnboundedInputsComplete &= runToCompletion.contains(in);
          }
        }
        if (fromSplittable || (hasUnboundedInput && allUnboundedInputsComplete)) {
          runToCompletion.add(pc);
        } else {
          producers.add("'" + producer.getFullName() + "' produces the unbounded collection " + pc.getName());
        }
      }
    });
    return producers;
  }

  /** Translates a prepared pipeline. */
  public JobGraph translate(Pipeline pipeline) {
    String jobName = pipeline.getOptions().getJobName();
    JobGraphBuilder builder = new JobGraphBuilder(jobName == null ? "sluice-job" : jobName, settings.maxParallelism());
    for (Map.Entry<String, String> e : settings.engineConfig().entrySet()) {
      builder.setConfig(e.getKey(), e.getValue());
    }
    TranslationContext context = new TranslationContext(settings, builder);
    pipeline.traverseTopologically(new Visitor(pipeline, context));
    JobGraph graph = builder.build();
    LOG.info("Translated pipeline {} into {} vertices and {} network edges", jobName, graph.vertices().size(), graph.edges().size());
    return graph;
  }

  private final class Visitor extends Pipeline.PipelineVisitor.Defaults {
    private final Pipeline pipeline;
    private final TranslationContext context;

    Visitor(Pipeline pipeline, TranslationContext context) {
      this.pipeline = pipeline;
      this.context = context;
    }

    @Override
    public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
      if (node.isRootNode() || node.getTransform() == null) {
        return CompositeBehavior.ENTER_TRANSFORM;
      }
      String urn = PTransformTranslation.urnForTransformOrNull(node.getTransform());
      TransformTranslator<PTransform<?, ?>> translator = registry.composite(urn, node.getTransform());
      if (translator == null) {
        return CompositeBehavior.ENTER_TRANSFORM;
      }
      context.setCurrentTransform(node.toAppliedPTransform(pipeline));
      if (!translator.canTranslate(node.getTransform(), context)) {
        return CompositeBehavior.ENTER_TRANSFORM;
      }
      run(translator, node, urn);
      return CompositeBehavior.DO_NOT_ENTER_TRANSFORM;
    }

    @Override
    public void visitPrimitiveTransform(TransformHierarchy.Node node) {
      String urn = PTransformTranslation.urnForTransformOrNull(node.getTransform());
      TransformTranslator<PTransform<?, ?>> translator = urn == null ? null : registry.primitive(urn);
      if (translator == null) {
        throw new UnsupportedOperationException(String.format(
            "Sluice cannot run transform '%s' (URN %s, %s): no translator for it. %s",
            node.getFullName(), urn, node.getTransform().getClass().getName(),
            settings.streaming() ? "It is not supported in streaming mode yet." : ""));
      }
      if (settings.streaming()) {
        StreamingGuards.check(node.getFullName(), node.getTransform());
      }
      context.setCurrentTransform(node.toAppliedPTransform(pipeline));
      run(translator, node, urn);
    }

    private void run(TransformTranslator<PTransform<?, ?>> translator, TransformHierarchy.Node node, String urn) {
      try {
        translator.translate(node.getTransform(), context);
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("Failed to translate '" + node.getFullName() + "' (URN " + urn + "): " + e, e);
      }
    }
  }
}
