package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.graph.ChainedOperator;
import dev.sluice.engine.graph.JobEdge;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobVertex;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.runner.translation.PipelineTranslator;
import dev.sluice.runner.translation.SluiceTranslationSettings;
import dev.sluice.runner.translation.TransformTranslator;
import dev.sluice.runner.translation.TranslationContext;
import dev.sluice.runner.translation.TranslatorRegistry;
import dev.sluice.runner.translation.operators.IdentityOperator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Redistribute;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The job graphs the grouping, combining and windowing translators produce. Impulse and ParDo
 * are stubbed here (their translators are tested on their own), so only the shape of these
 * translators' vertices and edges is under test.
 */
class GroupingTranslationTest {

  @Test
  void shouldPutGroupByKeyBehindAHashEdge() {
    Pipeline p = pipeline();
    keyed(p).apply("GBK", GroupByKey.create());

    JobGraph graph = translate(p);
    JobVertex gbk = vertexNamed(graph, "GBK");
    assertThat(gbk.inputEdges()).hasSize(1);
    assertThat(graph.edge(gbk.inputEdges().get(0)).partitioning()).isInstanceOf(Partitioning.Hash.class);
  }

  @Test
  void shouldChainThePartialCombineBeforeAHashEdge() {
    Pipeline p = pipeline();
    keyed(p).apply("Sum", Combine.perKey(Sum.ofIntegers()));

    JobGraph graph = translate(p);
    JobVertex producer = vertexContaining(graph, "Sum (partial)");
    assertThat(producer.chain()).extracting(ChainedOperator::name).containsSubsequence("Keyed/ParMultiDo(Anonymous)", "Sum (partial)");
    JobVertex merge = vertexNamed(graph, "Sum");
    assertThat(merge.inputEdges()).hasSize(1);
    JobEdge edge = graph.edge(merge.inputEdges().get(0));
    assertThat(edge.partitioning()).isInstanceOf(Partitioning.Hash.class);
    assertThat(edge.source()).isEqualTo(producer.id());
    assertThat(names(graph)).noneMatch(n -> n.contains("GroupByKey"));
  }

  @Test
  void shouldLiftTheCombineInMergingWindowsButFallBackToGroupByKeyForOtherTriggers() {
    Pipeline p = pipeline();
    keyed(p)
        .apply("Sessions", Window.into(Sessions.withGapDuration(Duration.millis(10))))
        .apply("Sum", Combine.perKey(Sum.ofIntegers()));
    JobGraph graph = translate(p);
    assertThat(names(graph)).contains("Sum (partial)");
    assertThat(inputPartitioning(graph, "Sum")).isInstanceOf(Partitioning.Hash.class);

    Pipeline triggered = pipeline();
    keyed(triggered)
        .apply("Sessions", Window.<KV<String, Integer>>into(Sessions.withGapDuration(Duration.millis(10)))
            .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(2)))
            .withAllowedLateness(Duration.ZERO).discardingFiredPanes())
        .apply("Sum", Combine.perKey(Sum.ofIntegers()));
    JobGraph fallback = translate(triggered);
    assertThat(names(fallback)).anyMatch(n -> n.startsWith("Sum/GroupByKey"));
    assertThat(names(fallback)).noneMatch(n -> n.contains("(partial)"));
    JobVertex gbk = vertexNamed(fallback, "Sum/GroupByKey");
    assertThat(fallback.edge(gbk.inputEdges().get(0)).partitioning()).isInstanceOf(Partitioning.Hash.class);
  }

  @Test
  void shouldLiftTheCombineInStreamingUnlessPartialsCouldChangeThePanes() {
    assertThat(streamingSumIsLifted(Window.<KV<String, Integer>>into(FixedWindows.of(Duration.millis(10))))).isTrue();
    assertThat(streamingSumIsLifted(Window.<KV<String, Integer>>into(new GlobalWindows())
        .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.standardSeconds(10))))
        .discardingFiredPanes())).isTrue();
    AfterProcessingTime oneSecond = AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.standardSeconds(1));
    assertThat(streamingSumIsLifted(Window.<KV<String, Integer>>into(FixedWindows.of(Duration.millis(10)))
        .triggering(AfterWatermark.pastEndOfWindow().withEarlyFirings(oneSecond).withLateFirings(oneSecond))
        .withAllowedLateness(Duration.millis(5)).accumulatingFiredPanes())).isTrue();
    assertThat(streamingSumIsLifted(Window.<KV<String, Integer>>into(Sessions.withGapDuration(Duration.millis(10))))).isTrue();
    // AfterPane would count partials instead of inputs; a short or aligned processing-time delay
    // would be shifted visibly by partials held.
    assertThat(streamingSumIsLifted(Window.<KV<String, Integer>>into(new GlobalWindows())
        .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.millis(999))))
        .discardingFiredPanes())).isFalse();
    assertThat(streamingSumIsLifted(Window.<KV<String, Integer>>into(new GlobalWindows())
        .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane()
            .plusDelayOf(Duration.standardSeconds(10)).alignedTo(Duration.standardSeconds(10))))
        .discardingFiredPanes())).isFalse();
    assertThat(streamingSumIsLifted(Window.<KV<String, Integer>>into(FixedWindows.of(Duration.millis(10)))
        .triggering(AfterWatermark.pastEndOfWindow().withEarlyFirings(AfterPane.elementCountAtLeast(2)))
        .withAllowedLateness(Duration.ZERO).discardingFiredPanes())).isFalse();
  }

  @Test
  void shouldHoldStreamingPartialsForATenthOfTheShortestProcessingTimeDelayOnly() {
    assertThat(CombinePerKeyTranslator.streamingFlushMillis(DefaultTrigger.of())).isZero();
    assertThat(CombinePerKeyTranslator.streamingFlushMillis(AfterWatermark.pastEndOfWindow())).isZero();
    assertThat(CombinePerKeyTranslator.streamingFlushMillis(
        Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.standardSeconds(10)))))
        .isEqualTo(1000);
    assertThat(CombinePerKeyTranslator.streamingFlushMillis(AfterWatermark.pastEndOfWindow()
        .withEarlyFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.standardSeconds(5)))
        .withLateFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.standardSeconds(1)))))
        .isEqualTo(100);
  }

  private static boolean streamingSumIsLifted(Window<KV<String, Integer>> window) {
    Pipeline p = pipeline();
    keyed(p).apply(window).apply("Sum", Combine.perKey(Sum.ofIntegers()));
    JobGraph graph = translate(p, true);
    JobVertex sum = vertexNamed(graph, "Sum");
    assertThat(inputPartitioning(graph, "Sum")).isInstanceOf(Partitioning.Hash.class);
    assertThat(sum.chain()).hasSize(1);
    return names(graph).contains("Sum (partial)");
  }

  @Test
  void shouldChainWindowAssignment() {
    Pipeline p = pipeline();
    keyed(p).apply("Fixed", Window.into(FixedWindows.of(Duration.millis(10))));

    JobGraph graph = translate(p);
    assertThat(graph.vertices()).hasSize(1);
    assertThat(graph.vertices().get(0).chain()).extracting(ChainedOperator::name).contains("Fixed/Window.Assign");
  }

  @Test
  void shouldReshuffleAndRedistributeByKeyOverAHashEdgeAndRedistributeArbitrarilyOverARebalanceEdge() {
    Pipeline p = pipeline();
    PCollection<KV<String, Integer>> keyed = keyed(p);
    keyed.apply("Reshuffle", Reshuffle.of());
    keyed.apply("ByKey", Redistribute.byKey());
    keyed.apply("Values", ParDo.of(new DoFn<KV<String, Integer>, Integer>() {
      @ProcessElement
      public void process(@Element KV<String, Integer> kv, OutputReceiver<Integer> out) {
        out.output(kv.getValue());
      }
    })).apply("Arbitrarily", Redistribute.arbitrarily());

    JobGraph graph = translate(p);
    // Reshuffle.of() keeps per-key order (UsesPerKeyOrderedDelivery): one channel per key.
    assertThat(inputPartitioning(graph, "Reshuffle")).isInstanceOf(Partitioning.Hash.class);
    assertThat(inputPartitioning(graph, "ByKey")).isInstanceOf(Partitioning.Hash.class);
    assertThat(inputPartitioning(graph, "Arbitrarily")).isInstanceOf(Partitioning.Rebalance.class);
  }

  @Test
  void shouldBuildSerializableOperatorFactories() throws Exception {
    Pipeline p = pipeline();
    PCollection<KV<String, Integer>> windowed = keyed(p).apply("Fixed", Window.into(FixedWindows.of(Duration.millis(10))));
    windowed.apply("GBK", GroupByKey.create());
    windowed.apply("Sum", Combine.perKey(Sum.ofIntegers()));
    windowed.apply("Reshuffle", Reshuffle.of());

    JobGraph graph = translate(p);
    for (JobVertex v : graph.vertices()) {
      for (ChainedOperator op : v.chain()) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
          out.writeObject(op.factory());
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
          dev.sluice.engine.api.OperatorFactory copy = (dev.sluice.engine.api.OperatorFactory) in.readObject();
          assertThat(copy.create()).as(op.name()).isNotNull();
        }
      }
    }
    for (JobEdge e : graph.edges()) {
      java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(new java.io.ByteArrayOutputStream());
      out.writeObject(e);
    }
  }

  // ---- helpers ----

  private static Pipeline pipeline() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setJobName("grouping-translation-test");
    options.setRunner(org.apache.beam.sdk.testing.CrashingRunner.class); // only built, never run
    return Pipeline.create(options);
  }

  private static PCollection<KV<String, Integer>> keyed(Pipeline p) {
    return p.apply("Impulse", Impulse.create())
        .apply("Keyed", ParDo.of(new DoFn<byte[], KV<String, Integer>>() {
          @ProcessElement
          public void process(OutputReceiver<KV<String, Integer>> out) {
            out.output(KV.of("a", 1));
          }
        }));
  }

  private static JobGraph translate(Pipeline p) {
    return translate(p, false);
  }

  private static JobGraph translate(Pipeline p, boolean streaming) {
    SluiceTranslationSettings settings = new SluiceTranslationSettings(p.getOptions(), 2, 128, streaming, Map.of());
    TranslatorRegistry registry = TranslatorRegistry.standard()
        .primitive(PTransformTranslation.IMPULSE_TRANSFORM_URN, new StubTranslator())
        .primitive(PTransformTranslation.PAR_DO_TRANSFORM_URN, new StubTranslator());
    return new PipelineTranslator(settings, registry).translate(p);
  }

  private static List<String> names(JobGraph graph) {
    return graph.vertices().stream().flatMap(v -> v.chain().stream()).map(ChainedOperator::name).toList();
  }

  private static JobVertex vertexNamed(JobGraph graph, String name) {
    return graph.vertices().stream().filter(v -> v.head().name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no vertex headed by " + name + " in " + names(graph)));
  }

  private static JobVertex vertexContaining(JobGraph graph, String name) {
    Optional<JobVertex> v = graph.vertices().stream()
        .filter(x -> x.chain().stream().anyMatch(c -> c.name().equals(name))).findFirst();
    return v.orElseThrow(() -> new AssertionError("no operator " + name + " in " + names(graph)));
  }

  private static Partitioning inputPartitioning(JobGraph graph, String vertex) {
    JobVertex v = vertexNamed(graph, vertex);
    assertThat(v.inputEdges()).hasSize(1);
    return graph.edge(v.inputEdges().get(0)).partitioning();
  }

  /** Stands in for Impulse and ParDo: one operator, main input FORWARD, every output on its own port. */
  private static final class StubTranslator implements TransformTranslator<PTransform<?, ?>> {
    @Override
    public void translate(PTransform<?, ?> transform, TranslationContext context) {
      var applied = context.currentTransform();
      int inputs = applied.getMainInputs().size();
      int outputs = applied.getOutputs().size();
      int node = context.addOperator(context.currentName(), IdentityOperator::new, context.parallelism(),
          Math.max(inputs, 1), Math.max(outputs, 1));
      for (PValue in : applied.getMainInputs().values()) {
        context.connect((PCollection<?>) in, node, 0, Partitioning.forward());
      }
      int port = 0;
      for (PCollection<?> out : applied.getOutputs().values()) {
        context.setProducer(out, node, port++);
      }
    }
  }
}
