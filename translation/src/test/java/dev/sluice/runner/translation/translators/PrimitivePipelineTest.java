package dev.sluice.runner.translation.translators;

import dev.sluice.engine.serde.JavaSerialization;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.engine.api.Accumulator;
import dev.sluice.engine.graph.JobGraph;
import dev.sluice.runner.translation.metrics.MetricsAccumulator;
import dev.sluice.runner.translation.testing.EngineJobRunner;
import dev.sluice.runner.translation.testing.LocalGraphExecutor;
import dev.sluice.runner.translation.testing.TestPipelines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Translates small pipelines and runs their job graphs, on the single-threaded
 * {@link LocalGraphExecutor} and on real engine tasks ({@link EngineJobRunner}): the
 * translators and operators together, with every network edge encoding through its coder.
 */
class PrimitivePipelineTest {

  /** Where a translated job runs. */
  enum Backend {
    LOCAL {
      @Override
      Map<String, Accumulator<?>> run(JobGraph graph) throws Exception {
        return new LocalGraphExecutor(graph).run();
      }
    },
    ENGINE {
      @Override
      Map<String, Accumulator<?>> run(JobGraph graph) throws Exception {
        try (EngineJobRunner runner = new EngineJobRunner()) {
          EngineJobRunner.Result result = runner.run(graph, Duration.ofSeconds(60));
          if (!result.failures().isEmpty()) {
            throw new JobFailedException(result.failures().get(0));
          }
          return result.accumulators();
        }
      }
    };

    abstract Map<String, Accumulator<?>> run(JobGraph graph) throws Exception;
  }

  /** A job run on the engine failed; the cause is the first task failure. */
  static final class JobFailedException extends Exception {
    JobFailedException(Throwable cause) {
      super(cause);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldReadEverySplitExactlyOnce(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    String out = TestPipelines.collect(p.apply("Count", GenerateSequence.from(0).to(1000)), "Collect");

    backend.run(TestPipelines.translate(p, 3));

    assertThat(TestPipelines.collected(out)).containsExactlyInAnyOrderElementsOf(
        LongStream.range(0, 1000).boxed().collect(Collectors.toList()));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldRunImpulseBasedCreateAndParDo(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<Integer> doubled = p.apply("One", Create.of(21))
        .apply("Double", MapElements.into(TypeDescriptors.integers()).via((Integer x) -> x * 2));
    String out = TestPipelines.collect(doubled, "Collect");

    backend.run(TestPipelines.translate(p, 2));

    assertThat(TestPipelines.collected(out)).containsExactly(42);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldSendEachOutputToItsConsumers(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionTuple split = p.apply("Numbers", Create.of(1, 2, 3, 4, 5))
        .apply("Split", ParDo.of(new PrimitiveTranslationTest.SplitFn())
            .withOutputTags(PrimitiveTranslationTest.SplitFn.EVENS, TupleTagList.of(PrimitiveTranslationTest.SplitFn.ODDS)));
    String evens = TestPipelines.collect(split.get(PrimitiveTranslationTest.SplitFn.EVENS), "CollectEvens");
    String odds = TestPipelines.collect(split.get(PrimitiveTranslationTest.SplitFn.ODDS).setCoder(StringUtf8Coder.of()), "CollectOdds");

    backend.run(TestPipelines.translate(p, 2));

    assertThat(TestPipelines.collected(evens)).containsExactlyInAnyOrder(2, 4);
    assertThat(TestPipelines.collected(odds)).containsExactlyInAnyOrder("odd 1", "odd 3", "odd 5");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldFlattenInputsIncludingOneFlattenedTwice(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<Integer> a = p.apply("A", Create.of(1, 2));
    PCollection<Integer> b = p.apply("B", Create.of(3));
    String out = TestPipelines.collect(PCollectionList.of(a).and(b).and(a).apply("Flatten", Flatten.pCollections()), "Collect");

    backend.run(TestPipelines.translate(p, 2));

    assertThat(TestPipelines.collected(out)).containsExactlyInAnyOrder(1, 1, 2, 2, 3);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldReadListIterableMapAndMultimapSideInputs(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionView<List<Integer>> list = p.apply("ListSide", Create.of(1, 2, 3)).apply("AsList", View.asList());
    PCollectionView<Iterable<Integer>> iterable = p.apply("IterSide", Create.of(10, 20)).apply("AsIterable", View.asIterable());
    PCollectionView<Map<String, Integer>> map = p.apply("MapSide", Create.of(KV.of("a", 1), KV.of("b", 2))).apply("AsMap", View.asMap());
    PCollectionView<Map<String, Iterable<Integer>>> multimap =
        p.apply("MultiSide", Create.of(KV.of("k", 1), KV.of("k", 2), KV.of("j", 3))).apply("AsMultimap", View.asMultimap());
    PCollection<String> described = p.apply("Main", Create.of("a", "b", "k"))
        .apply("Describe", ParDo.of(new DescribeFn(list, iterable, map, multimap)).withSideInputs(list, iterable, map, multimap));
    String out = TestPipelines.collect(described, "Collect");

    backend.run(TestPipelines.translate(p, 2));

    assertThat(TestPipelines.collected(out)).containsExactlyInAnyOrder(
        "a list=6 iterable=30 map=1 multimap=0",
        "b list=6 iterable=30 map=2 multimap=0",
        "k list=6 iterable=30 map=null multimap=3");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldSeeEmptySideInputsAsEmpty(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionView<List<Integer>> list = p.apply("ListSide", Create.empty(org.apache.beam.sdk.coders.VarIntCoder.of())).apply("AsList", View.asList());
    PCollection<String> out = p.apply("Main", Create.of("x"))
        .apply("Use", ParDo.of(new ListSizeFn(list)).withSideInputs(list));
    String id = TestPipelines.collect(out, "Collect");

    backend.run(TestPipelines.translate(p, 2));

    assertThat(TestPipelines.collected(id)).containsExactly("x:0");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldRecordMetricsUnderTheStepName(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    p.apply("Numbers", Create.of(1, 2, 3, 4)).apply("Counting", ParDo.of(new CountingFn()));

    Map<String, Accumulator<?>> accumulators = backend.run(TestPipelines.translate(p, 2));

    MetricsAccumulator metrics = (MetricsAccumulator) accumulators.get(MetricsAccumulator.NAME);
    MetricsContainerImpl container = metrics.stepMap().getContainer("Counting/ParMultiDo(Counting)");
    assertThat(container.getCounter(MetricName.named(CountingFn.class, "seen")).getCumulative()).isEqualTo(4L);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldCountSplitMetricsOnceUnderTheReadStep(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    String id = TestPipelines.collect(p.apply("Read", Read.from(new HalvingSource(0, 10))), "Collect");

    Map<String, Accumulator<?>> accumulators = backend.run(TestPipelines.translate(p, 2));

    // Split once at translation, though the size is unknown (0), into two halves read by two subtasks.
    assertThat(TestPipelines.collected(id)).containsExactlyInAnyOrderElementsOf(
        java.util.stream.IntStream.range(0, 10).<Object>mapToObj(i -> i).toList());
    MetricsAccumulator metrics = (MetricsAccumulator) accumulators.get(MetricsAccumulator.NAME);
    MetricsContainerImpl container = metrics.stepMap().getContainer("Read");
    assertThat(container.getCounter(MetricName.named(HalvingSource.class, "splits")).getCumulative()).isEqualTo(1L);
    assertThat(container.getCounter(MetricName.named(HalvingSource.class, "reads")).getCumulative()).isEqualTo(10L);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldPropagateUserExceptionAsCause(Backend backend) {
    Pipeline p = TestPipelines.create();
    p.apply("Numbers", Create.of(1)).apply("Fail", ParDo.of(new FailingFn()));
    JobGraph graph = TestPipelines.translate(p, 1);

    Throwable thrown = catchThrowable(() -> backend.run(graph));

    Throwable userCode = thrown;
    while (userCode != null && !(userCode instanceof UserCodeException)) {
      userCode = userCode.getCause();
    }
    assertThat(userCode).as("UserCodeException in %s", thrown).isNotNull();
    assertThat(userCode.getCause()).isInstanceOf(IllegalArgumentException.class).hasMessage("bad element 1");
  }

  /** Cluster mode ships the graph Java-serialized: every factory, source and spec must survive it. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldRunAJavaSerializedCopyOfTheGraph(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionView<List<Integer>> list = p.apply("ListSide", Create.of(1, 2, 3)).apply("AsList", View.asList());
    PCollection<String> main = PCollectionList.of(p.apply("A", Create.of("x"))).and(p.apply("B", Create.of("y", "z")))
        .apply("Flatten", Flatten.pCollections());
    String out = TestPipelines.collect(main.apply("Use", ParDo.of(new ListSizeFn(list)).withSideInputs(list)), "Collect");
    JobGraph graph = TestPipelines.translate(p, 2);

    JobGraph copy = (JobGraph) JavaSerialization.deserialize(JavaSerialization.serialize(graph), getClass().getClassLoader());
    backend.run(copy);

    assertThat(TestPipelines.collected(out)).containsExactlyInAnyOrder("x:3", "y:3", "z:3");
  }

  static final class DescribeFn extends DoFn<String, String> {
    private final PCollectionView<List<Integer>> list;
    private final PCollectionView<Iterable<Integer>> iterable;
    private final PCollectionView<Map<String, Integer>> map;
    private final PCollectionView<Map<String, Iterable<Integer>>> multimap;

    DescribeFn(PCollectionView<List<Integer>> list, PCollectionView<Iterable<Integer>> iterable,
        PCollectionView<Map<String, Integer>> map, PCollectionView<Map<String, Iterable<Integer>>> multimap) {
      this.list = list;
      this.iterable = iterable;
      this.map = map;
      this.multimap = multimap;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      int listSum = c.sideInput(list).stream().mapToInt(Integer::intValue).sum();
      int iterSum = 0;
      for (int v : c.sideInput(iterable)) {
        iterSum += v;
      }
      int multiSum = 0;
      Iterable<Integer> values = c.sideInput(multimap).get(c.element());
      for (int v : values == null ? List.<Integer>of() : values) {
        multiSum += v;
      }
      c.output(c.element() + " list=" + listSum + " iterable=" + iterSum + " map=" + c.sideInput(map).get(c.element())
          + " multimap=" + multiSum);
    }
  }

  static final class ListSizeFn extends DoFn<String, String> {
    private final PCollectionView<List<Integer>> list;

    ListSizeFn(PCollectionView<List<Integer>> list) {
      this.list = list;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element() + ":" + new ArrayList<>(c.sideInput(list)).size());
    }
  }

  static final class CountingFn extends DoFn<Integer, Integer> {
    private final Counter seen = Metrics.counter(CountingFn.class, "seen");

    @ProcessElement
    public void process(@Element Integer x) {
      seen.inc();
    }
  }

  /** Integers {@code [start, end)}, of unknown size; splits in halves once and counts splits and reads. */
  static final class HalvingSource extends BoundedSource<Integer> {
    private static final Counter SPLITS = Metrics.counter(HalvingSource.class, "splits");
    private static final Counter READS = Metrics.counter(HalvingSource.class, "reads");
    private final int start;
    private final int end;

    HalvingSource(int start, int end) {
      this.start = start;
      this.end = end;
    }

    @Override
    public List<? extends BoundedSource<Integer>> split(long desiredBundleSizeBytes, PipelineOptions options) {
      SPLITS.inc();
      int mid = (start + end) / 2;
      return List.of(new HalvingSource(start, mid), new HalvingSource(mid, end));
    }

    @Override
    public long getEstimatedSizeBytes(PipelineOptions options) {
      return 0;
    }

    @Override
    public BoundedReader<Integer> createReader(PipelineOptions options) {
      return new BoundedReader<>() {
        private int current = start - 1;

        @Override
        public boolean start() {
          return advance();
        }

        @Override
        public boolean advance() {
          current++;
          if (current < end) {
            READS.inc();
            return true;
          }
          return false;
        }

        @Override
        public Integer getCurrent() {
          return current;
        }

        @Override
        public void close() {}

        @Override
        public BoundedSource<Integer> getCurrentSource() {
          return HalvingSource.this;
        }
      };
    }

    @Override
    public Coder<Integer> getOutputCoder() {
      return VarIntCoder.of();
    }
  }

  static final class FailingFn extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer x) {
      throw new IllegalArgumentException("bad element " + x);
    }
  }
}
