package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.engine.graph.JobEdge;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.engine.graph.JobVertex;
import dev.sluice.engine.graph.Partitioning;
import dev.sluice.runner.translation.serde.KvKeySelector;
import dev.sluice.runner.translation.testing.TestPipelines;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.transforms.PeriodicImpulse;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

/** Checks the job graphs that the primitive translators produce. */
class PrimitiveTranslationTest {

  @Test
  void shouldChainReadAndParDosIntoOneVertex() {
    Pipeline p = TestPipelines.create();
    PCollection<Integer> doubled = p.apply("Numbers", Create.of(1, 2, 3))
        .apply("Double", MapElements.into(TypeDescriptors.integers()).via((Integer x) -> x * 2));
    TestPipelines.collect(doubled, "Collect");

    JobGraph graph = TestPipelines.translate(p, 2);

    assertThat(graph.vertices()).hasSize(1);
    JobVertex vertex = graph.vertices().get(0);
    assertThat(vertex.parallelism()).isEqualTo(2);
    assertThat(vertex.chain()).extracting(c -> c.name())
        .containsExactly("Numbers/Read(CreateSource)", "Double/Map/ParMultiDo(Anonymous)", "Collect/ParMultiDo(Collect)");
    assertThat(graph.edges()).isEmpty();
  }

  @Test
  void shouldRunImpulseAtParallelismOneAndRebalanceToTheParDo() {
    Pipeline p = TestPipelines.create();
    TestPipelines.collect(p.apply("One", Create.of(5)), "Collect");

    JobGraph graph = TestPipelines.translate(p, 3);

    assertThat(graph.vertices()).hasSize(2);
    assertThat(graph.vertices().get(0).name()).isEqualTo("One/Impulse");
    assertThat(graph.vertices().get(0).parallelism()).isEqualTo(1);
    assertThat(graph.vertices().get(1).parallelism()).isEqualTo(3);
    assertThat(graph.edges()).singleElement().satisfies(e -> assertThat(e.partitioning()).isInstanceOf(Partitioning.Rebalance.class));
  }

  @Test
  void shouldConnectEveryFlattenInputToInputZero() {
    Pipeline p = TestPipelines.create();
    PCollection<Integer> a = p.apply("A", Create.of(1, 2));
    PCollection<Integer> b = p.apply("B", Create.of(3, 4));
    PCollection<Integer> flat = PCollectionList.of(a).and(b).and(a).apply("Flatten", Flatten.pCollections());
    TestPipelines.collect(flat, "Collect");

    JobGraph graph = TestPipelines.translate(p, 2);

    JobVertex flatten = graph.vertices().stream().filter(v -> v.name().startsWith("Flatten")).findFirst().orElseThrow();
    assertThat(flatten.chain()).extracting(c -> c.name()).containsExactly("Flatten", "Collect/ParMultiDo(Collect)");
    List<JobEdge> in = flatten.inputEdges().stream().map(graph::edge).toList();
    assertThat(in).hasSize(3).allSatisfy(e -> {
      assertThat(e.targetInput()).isZero();
      assertThat(e.partitioning()).isInstanceOf(Partitioning.Forward.class);
    });
  }

  @Test
  void shouldTranslateEmptyFlattenToASource() {
    Pipeline p = TestPipelines.create();
    PCollection<Integer> empty = PCollectionList.<Integer>empty(p).apply("Nothing", Flatten.pCollections());
    empty.setCoder(VarIntCoder.of());
    TestPipelines.collect(empty, "Collect");

    JobGraph graph = TestPipelines.translate(p, 2);

    JobVertex source = graph.vertices().get(0);
    assertThat(source.name()).isEqualTo("Nothing");
    assertThat(source.isSource()).isTrue();
    assertThat(source.parallelism()).isEqualTo(1);
  }

  @Test
  void shouldGiveEachOutputItsOwnPort() {
    Pipeline p = TestPipelines.create();
    PCollectionTuple out = p.apply("Numbers", Create.of(1, 2, 3))
        .apply("Split", ParDo.of(new SplitFn()).withOutputTags(SplitFn.EVENS, TupleTagList.of(SplitFn.ODDS)));
    TestPipelines.collect(out.get(SplitFn.EVENS), "CollectEvens");
    TestPipelines.collect(out.get(SplitFn.ODDS).setCoder(StringUtf8Coder.of()), "CollectOdds");

    JobGraph graph = TestPipelines.translate(p, 2);

    assertThat(graph.vertices()).hasSize(1);
    var split = graph.vertices().get(0).chain().get(1);
    assertThat(split.name()).isEqualTo("Split");
    assertThat(split.numberOfOutputPorts()).isEqualTo(2);
    assertThat(split.chainedTargets().get(0)).singleElement().satisfies(t -> assertThat(t.node()).isEqualTo(2));
    assertThat(split.chainedTargets().get(1)).singleElement().satisfies(t -> assertThat(t.node()).isEqualTo(3));
  }

  @Test
  void shouldBroadcastSideInputsToTheirOwnInputs() {
    Pipeline p = TestPipelines.create();
    PCollection<Integer> numbers = p.apply("Numbers", Create.of(1, 2, 3));
    PCollectionView<List<Integer>> view = p.apply("Side", Create.of(10, 20)).apply("AsList", View.asList());
    PCollection<Integer> out = numbers.apply("Use", ParDo.of(new AddSizeFn(view)).withSideInputs(view));
    TestPipelines.collect(out, "Collect");

    JobGraph graph = TestPipelines.translate(p, 2);

    JobVertex use = graph.vertices().stream().filter(v -> v.name().startsWith("Use")).findFirst().orElseThrow();
    assertThat(use.head().numberOfInputs()).isEqualTo(2);
    List<JobEdge> in = use.inputEdges().stream().map(graph::edge).toList();
    assertThat(in).extracting(JobEdge::targetInput).containsExactlyInAnyOrder(0, 1);
    assertThat(in).filteredOn(e -> e.targetInput() == 1).singleElement()
        .satisfies(e -> assertThat(e.partitioning()).isInstanceOf(Partitioning.Broadcast.class));
    assertThat(in).filteredOn(e -> e.targetInput() == 0).singleElement()
        .satisfies(e -> assertThat(e.partitioning()).isInstanceOf(Partitioning.Forward.class));
  }

  @Test
  void shouldHashPartitionTheInputOfAStatefulDoFnByKey() {
    Pipeline p = TestPipelines.create();
    p.apply("Pairs", Create.of(KV.of("a", 1), KV.of("b", 2))).apply("Stateful", ParDo.of(new StatefulFn()));

    JobGraph graph = TestPipelines.translate(p, 2);

    assertThat(graph.vertices()).extracting(JobVertex::name).containsExactly("Pairs/Read(CreateSource)", "Stateful/ParMultiDo(Stateful)");
    assertThat(graph.edges()).singleElement().satisfies(e -> {
      assertThat(e.partitioning()).isInstanceOf(Partitioning.Hash.class);
      assertThat(((Partitioning.Hash) e.partitioning()).keySelector()).isInstanceOf(KvKeySelector.class);
    });
  }

  @Test
  void shouldPartitionAStatefulDoFnByKeyInStreamingToo() {
    Pipeline p = TestPipelines.create();
    p.apply("Pairs", Create.of(KV.of("a", 1))).apply("Stateful", ParDo.of(new StatefulFn()));

    JobGraph graph = TestPipelines.translate(p, 2, true);

    // the streaming Create expands differently; the stateful DoFn's input is the one HASH edge
    assertThat(graph.edges()).filteredOn(e -> e.partitioning() instanceof Partitioning.Hash).singleElement()
        .satisfies(e -> assertThat(((Partitioning.Hash) e.partitioning()).keySelector()).isInstanceOf(KvKeySelector.class));
  }

  @Test
  void shouldTranslateTimeSortedInputInStreaming() {
    Pipeline p = TestPipelines.create();
    p.apply(Create.of(KV.of("a", 1))).apply("Sorted", ParDo.of(new TimeSortedFn()));

    assertThat(TestPipelines.translate(p, 1, true).vertices()).extracting(JobVertex::name)
        .contains("Sorted/ParMultiDo(TimeSorted)");
  }

  @Test
  void shouldTranslateAnUnboundedReadToASourceOfFullParallelism() {
    Pipeline p = TestPipelines.create();
    p.apply("Ticks", GenerateSequence.from(0));

    JobGraph graph = TestPipelines.translate(p, 3, true);

    assertThat(graph.vertices()).singleElement().satisfies(v -> {
      assertThat(v.parallelism()).isEqualTo(3);
      assertThat(v.name()).contains("Ticks");
    });
  }

  @Test
  void shouldTranslateABoundedReadFromAnUnboundedSourceWholeIntoOneSource() {
    Pipeline p = TestPipelines.create();
    p.apply("Ticks", GenerateSequence.from(0).withMaxReadTime(org.joda.time.Duration.standardSeconds(1)));

    JobGraph graph = TestPipelines.translate(p, 2);

    assertThat(graph.vertices()).as("not Beam's Impulse/Split/Reshuffle/Read expansion").singleElement()
        .satisfies(v -> assertThat(v.name()).startsWith("Ticks/Read("));
  }

  @Test
  void shouldShareRecordsOverSplitsAsBeamDoes() {
    assertThat(BoundedReadFromUnboundedTranslator.shares(10, 4)).containsExactly(3, 3, 2, 2);
    assertThat(BoundedReadFromUnboundedTranslator.shares(2, 4)).containsExactly(1, 1, 0, 0);
  }

  @Test
  void shouldMaterializeAnUnboundedSideInputIntoPanesInStreaming() {
    Pipeline p = TestPipelines.create();
    PCollectionView<Iterable<Long>> ticks = p.apply("Ticks", GenerateSequence.from(0))
        .apply(org.apache.beam.sdk.transforms.windowing.Window.into(
            org.apache.beam.sdk.transforms.windowing.FixedWindows.of(org.joda.time.Duration.standardMinutes(1))))
        .apply(View.asIterable());
    p.apply(Create.of(1L)).apply("UsesTicks", ParDo.of(new PassThroughFn()).withSideInputs(ticks));

    JobGraph graph = TestPipelines.translate(p, 2, true);

    JobEdge side = graph.edges().stream().filter(e -> e.targetInput() == 1).collect(java.util.stream.Collectors.toList())
        .stream().reduce((a, b) -> { throw new AssertionError("one side input edge expected"); }).orElseThrow();
    assertThat(side.partitioning()).isInstanceOf(Partitioning.Broadcast.class);
    JobVertex use = graph.vertices().stream().filter(v -> v.id().equals(side.target())).findFirst().orElseThrow();
    assertThat(use.head().name()).startsWith("UsesTicks/");
    JobVertex materialize = graph.vertices().stream().filter(v -> v.id().equals(side.source())).findFirst().orElseThrow();
    assertThat(materialize.head().name()).startsWith("UsesTicks/").contains("MaterializeSideInput");
    assertThat(materialize.parallelism()).as("one pane per window and firing").isEqualTo(1);
  }

  @Test
  void shouldTranslateATestStreamToOneSourceSubtask() {
    Pipeline p = TestPipelines.create();
    p.apply("Events", TestStream.create(VarIntCoder.of()).addElements(1).advanceWatermarkToInfinity());

    JobGraph graph = TestPipelines.translate(p, 3, true);

    assertThat(graph.vertices()).singleElement().satisfies(v -> assertThat(v.parallelism()).isEqualTo(1));
  }

  @Test
  void shouldNameTransformAndUrnOfATransformWithoutTranslator() {
    Pipeline p = TestPipelines.create();
    p.apply("Mystery", new UnknownPrimitive());

    assertThatThrownBy(() -> TestPipelines.translate(p, 1, true))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("'Mystery'")
        .hasMessageContaining("no translator")
        .hasMessageContaining("streaming");
  }

  /** A primitive (it makes its output itself) that no translator knows. */
  static final class UnknownPrimitive extends org.apache.beam.sdk.transforms.PTransform<org.apache.beam.sdk.values.PBegin, PCollection<Integer>> {
    @Override
    public PCollection<Integer> expand(org.apache.beam.sdk.values.PBegin input) {
      return PCollection.createPrimitiveOutputInternal(input.getPipeline(),
          org.apache.beam.sdk.values.WindowingStrategy.globalDefault(), PCollection.IsBounded.BOUNDED, VarIntCoder.of());
    }
  }

  @Test
  void shouldTranslateAnUnboundedSplittableDoFnInStreamingBehindAHashEdgeOnItsRestrictionKey() {
    Pipeline p = TestPipelines.create();
    // Unbounded per element: streaming leaves it a ProcessKeyedElements primitive.
    p.apply("Ticks", PeriodicImpulse.create());

    JobGraph graph = TestPipelines.translate(p, 2, true);

    JobVertex process = graph.vertices().stream()
        .filter(v -> v.chain().get(0).name().endsWith("/ProcessKeyedElements")).findFirst().orElseThrow();
    assertThat(process.parallelism()).isEqualTo(2);
    assertThat(graph.edges()).filteredOn(e -> e.target().equals(process.id()))
        .singleElement().satisfies(e -> assertThat(e.partitioning()).isInstanceOf(Partitioning.Hash.class));
  }

  @Test
  void shouldRejectAnUnboundedSideInputOfAnUnboundedSplittableDoFnInStreaming() {
    Pipeline p = TestPipelines.create();
    PCollectionView<Iterable<Long>> ticks = p.apply("Ticks", GenerateSequence.from(0))
        .apply(org.apache.beam.sdk.transforms.windowing.Window.into(
            org.apache.beam.sdk.transforms.windowing.FixedWindows.of(org.joda.time.Duration.standardMinutes(1))))
        .apply(View.asIterable());
    p.apply("Impulses", PeriodicImpulse.create()).apply("Sides",
        ParDo.of(new SideInputSdf(ticks)).withSideInputs(ticks));

    // Rejected at the ProcessKeyedElements step (or, while ParDos reject unbounded side inputs
    // too, at the first step of the expansion that reads it).
    assertThatThrownBy(() -> TestPipelines.translate(p, 1, true))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("'Sides/")
        .hasMessageContaining("side input");
  }

  /** Unbounded per element, with a side input. */
  @DoFn.UnboundedPerElement
  static final class SideInputSdf extends DoFn<org.joda.time.Instant, String> {
    private final PCollectionView<Iterable<Long>> view;

    SideInputSdf(PCollectionView<Iterable<Long>> view) {
      this.view = view;
    }

    @GetInitialRestriction
    public org.apache.beam.sdk.io.range.OffsetRange initial() {
      return new org.apache.beam.sdk.io.range.OffsetRange(0, 1);
    }

    @ProcessElement
    public void process(ProcessContext c,
        org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker<org.apache.beam.sdk.io.range.OffsetRange, Long> tracker) {
      if (tracker.tryClaim(0L)) {
        c.output(String.valueOf(c.sideInput(view)));
      }
    }
  }

  /** Evens to the main output, odds (as text) to the second. */
  static final class SplitFn extends DoFn<Integer, Integer> {
    static final TupleTag<Integer> EVENS = new TupleTag<>("evens");
    static final TupleTag<String> ODDS = new TupleTag<>("odds");

    @ProcessElement
    public void process(@Element Integer x, MultiOutputReceiver out) {
      if (x % 2 == 0) {
        out.get(EVENS).output(x);
      } else {
        out.get(ODDS).output("odd " + x);
      }
    }
  }

  static final class AddSizeFn extends DoFn<Integer, Integer> {
    private final PCollectionView<List<Integer>> view;

    AddSizeFn(PCollectionView<List<Integer>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element() + c.sideInput(view).size());
    }
  }

  static final class TimeSortedFn extends DoFn<KV<String, Integer>, Integer> {
    @StateId("last")
    private final StateSpec<ValueState<Integer>> last = StateSpecs.value(VarIntCoder.of());

    @RequiresTimeSortedInput
    @ProcessElement
    public void process(@Element KV<String, Integer> e, @StateId("last") ValueState<Integer> state) {
      state.write(e.getValue());
    }
  }

  static final class StatefulFn extends DoFn<KV<String, Integer>, Integer> {
    @StateId("count")
    private final StateSpec<ValueState<Integer>> count = StateSpecs.value(VarIntCoder.of());

    @ProcessElement
    public void process(@Element KV<String, Integer> e, @StateId("count") ValueState<Integer> state) {
      state.write(e.getValue());
    }
  }

  private static final class PassThroughFn extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long x, OutputReceiver<Long> out) {
      out.output(x);
    }
  }
}
