package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runner.translation.testing.LocalGraphExecutor;
import dev.sluice.runner.translation.testing.TestPipelines;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.Redistribute;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** Whole pipelines with grouping, combining and windowing, run through the local graph executor. */
class GroupingPipelineTest {

  @Test
  void shouldGroupByKey() throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<String> grouped = p.apply(Create.of(KV.of("a", 1), KV.of("b", 2), KV.of("a", 3)))
        .apply(GroupByKey.create())
        .apply(MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey() + "=" + sorted(kv.getValue())));
    String out = TestPipelines.collect(grouped, "Collect");
    new LocalGraphExecutor(TestPipelines.translate(p, 3)).run();
    assertThat(TestPipelines.collected(out)).containsExactlyInAnyOrder("a=[1, 3]", "b=[2]");
  }

  @Test
  void shouldCountPerKeyAndCombineGlobally() throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<String> words = p.apply(Create.of("x", "y", "x", "z", "x"));
    String counts = TestPipelines.collect(words.apply(Count.perElement())
        .apply(MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey() + ":" + kv.getValue())), "Counts");
    String total = TestPipelines.collect(words.apply(Count.globally()), "Total");
    String distinct = TestPipelines.collect(words.apply(Distinct.create()), "Distinct");
    new LocalGraphExecutor(TestPipelines.translate(p, 2)).run();
    assertThat(TestPipelines.collected(counts)).containsExactlyInAnyOrder("x:3", "y:1", "z:1");
    assertThat(TestPipelines.collected(total)).containsExactly(5L);
    assertThat(TestPipelines.collected(distinct)).containsExactlyInAnyOrder("x", "y", "z");
  }

  @Test
  void shouldGiveTheDefaultValueOfAGlobalCombineOverEmptyInput() throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<Integer> empty = p.apply(Create.empty(org.apache.beam.sdk.coders.VarIntCoder.of()));
    String sum = TestPipelines.collect(empty.apply(Sum.integersGlobally()), "Sum");
    new LocalGraphExecutor(TestPipelines.translate(p, 2)).run();
    assertThat(TestPipelines.collected(sum)).containsExactly(0);
  }

  @Test
  void shouldCombineInFixedSlidingAndSessionWindows() throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<KV<String, Integer>> timed = p.apply(Create.timestamped(
            List.of(KV.of("k", 1), KV.of("k", 2), KV.of("k", 4), KV.of("k", 8)),
            List.of(0L, 5L, 12L, 40L)));
    String fixed = TestPipelines.collect(timed.apply("Fixed", Window.into(FixedWindows.of(Duration.millis(10))))
        .apply("SumFixed", Sum.integersPerKey()).apply("V1", Values.create()), "Fixed");
    String sliding = TestPipelines.collect(timed
        .apply("Sliding", Window.into(SlidingWindows.of(Duration.millis(10)).every(Duration.millis(5))))
        .apply("SumSliding", Sum.integersPerKey()).apply("V2", Values.create()), "Sliding");
    String sessions = TestPipelines.collect(timed.apply("Sessions", Window.into(Sessions.withGapDuration(Duration.millis(10))))
        .apply("SumSessions", Sum.integersPerKey()).apply("V3", Values.create()), "Sessions");
    new LocalGraphExecutor(TestPipelines.translate(p, 2)).run();
    assertThat(TestPipelines.collected(fixed)).containsExactlyInAnyOrder(3, 4, 8);
    // [-5,5) 1, [0,10) 3, [5,15) 6, [10,20) 4, [35,45) 8, [40,50) 8
    assertThat(TestPipelines.collected(sliding)).containsExactlyInAnyOrder(1, 3, 6, 4, 8, 8);
    // sessions: {0,5,12} -> [0,22), {40} -> [40,50)
    assertThat(TestPipelines.collected(sessions)).containsExactlyInAnyOrder(7, 8);
  }

  @Test
  void shouldCombineWithSideInputsThroughTheExpansion() throws Exception {
    Pipeline p = TestPipelines.create();
    PCollectionView<Integer> offset = p.apply("Offset", Create.of(100)).apply(View.asSingleton());
    PCollection<KV<String, Integer>> input = p.apply("Input", Create.of(KV.of("a", 1), KV.of("a", 2)));
    String out = TestPipelines.collect(input
        .apply(Combine.<String, Integer, Integer>perKey(new AddOffset(offset)).withSideInputs(offset))
        .apply(Values.create()), "Collect");
    new LocalGraphExecutor(TestPipelines.translate(p, 2)).run();
    assertThat(TestPipelines.collected(out)).containsExactly(103);
  }

  @Test
  void shouldReshuffleKeepingTimestamps() throws Exception {
    Pipeline p = TestPipelines.create();
    PCollection<Integer> in = p.apply(Create.timestamped(List.of(1, 2, 3), List.of(10L, 20L, 30L)));
    PCollection<KV<Integer, Integer>> keyed = in.apply(WithTimestamps.of((Integer x) -> new Instant(x * 10L)))
        .apply(MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.integers())).via(x -> KV.of(x, x)));
    String reshuffled = TestPipelines.collect(keyed.apply(Reshuffle.of()).apply("V1", Values.create())
        .apply("Ts", org.apache.beam.sdk.transforms.ParDo.of(new TimestampFn())), "R");
    String byKey = TestPipelines.collect(keyed.apply(Redistribute.byKey()).apply("V2", Values.create()), "K");
    String max = TestPipelines.collect(in.apply(Redistribute.arbitrarily()).apply(Max.integersGlobally()), "M");
    new LocalGraphExecutor(TestPipelines.translate(p, 3)).run();
    assertThat(TestPipelines.collected(reshuffled)).containsExactlyInAnyOrder("1@10", "2@20", "3@30");
    assertThat(TestPipelines.collected(byKey)).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(TestPipelines.collected(max)).containsExactly(3);
  }

  @Test
  void shouldGroupAndCountMoreThanFitsTheGroupersMemory() throws Exception {
    // The local executor gives each operator 1 MiB of managed memory: this input spills.
    Pipeline p = TestPipelines.create();
    PCollection<KV<Long, Long>> kvs = p.apply(org.apache.beam.sdk.io.GenerateSequence.from(0).to(100_000))
        .apply(MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
            .via(i -> KV.of(i % 3000, i)));
    PCollection<Long> sizes = kvs.apply(GroupByKey.create())
        .apply("Sizes", MapElements.into(TypeDescriptors.longs()).via(kv -> {
          long n = 0;
          for (Long ignored : kv.getValue()) {
            n++;
          }
          return n;
        }));
    String total = TestPipelines.collect(sizes.apply("Total", Sum.longsGlobally()), "Total");
    String keys = TestPipelines.collect(sizes.apply("Keys", Count.globally()), "Keys");
    String counted = TestPipelines.collect(kvs.apply(Count.perKey()).apply("Counts", Values.create())
        .apply("Total2", Sum.longsGlobally()), "Counted");
    new LocalGraphExecutor(TestPipelines.translate(p, 2)).run();
    assertThat(TestPipelines.collected(total)).containsExactly(100_000L);
    assertThat(TestPipelines.collected(keys)).containsExactly(3000L);
    assertThat(TestPipelines.collected(counted)).containsExactly(100_000L);
  }

  static final class TimestampFn extends org.apache.beam.sdk.transforms.DoFn<Integer, String> {
    @ProcessElement
    public void process(@Element Integer x, @Timestamp Instant ts, OutputReceiver<String> out) {
      out.output(x + "@" + ts.getMillis());
    }
  }

  static final class AddOffset extends org.apache.beam.sdk.transforms.CombineWithContext.CombineFnWithContext<Integer, Integer, Integer> {
    private final PCollectionView<Integer> offset;

    AddOffset(PCollectionView<Integer> offset) {
      this.offset = offset;
    }

    @Override public Integer createAccumulator(org.apache.beam.sdk.transforms.CombineWithContext.Context c) {
      return 0;
    }

    @Override public Integer addInput(Integer acc, Integer in, org.apache.beam.sdk.transforms.CombineWithContext.Context c) {
      return acc + in;
    }

    @Override public Integer mergeAccumulators(Iterable<Integer> accs, org.apache.beam.sdk.transforms.CombineWithContext.Context c) {
      int s = 0;
      for (int a : accs) {
        s += a;
      }
      return s;
    }

    @Override public Integer extractOutput(Integer acc, org.apache.beam.sdk.transforms.CombineWithContext.Context c) {
      return acc + c.sideInput(offset);
    }
  }

  private static List<Integer> sorted(Iterable<Integer> values) {
    List<Integer> l = new ArrayList<>();
    values.forEach(l::add);
    l.sort(null);
    return l;
  }
}
