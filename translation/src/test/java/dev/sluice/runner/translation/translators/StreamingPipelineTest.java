package dev.sluice.runner.translation.translators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.runner.translation.metrics.MetricsAccumulator;
import dev.sluice.runner.translation.testing.TestPipelines;
import dev.sluice.runner.translation.translators.PrimitivePipelineTest.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.beam.runners.core.LateDataDroppingDoFnRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pipelines with grouping translated in streaming mode (StreamingGroupByKeyOperator on keyed
 * state and timers) over bounded input: the results must equal the batch results, on the local
 * executor and on engine tasks.
 */
class StreamingPipelineTest {

  private static final List<KV<String, Integer>> TIMED = List.of(
      KV.of("k", 1), KV.of("k", 2), KV.of("k", 4), KV.of("k", 8), KV.of("j", 16), KV.of("j", 32));
  private static final List<Long> TIMES = List.of(0L, 5L, 12L, 40L, 3L, 41L);

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldGroupByKeyLikeBatch(Backend backend) throws Exception {
    Function<Pipeline, PCollection<String>> build = p -> p
        .apply(Create.of(KV.of("a", 1), KV.of("b", 2), KV.of("a", 3), KV.of("c", 4), KV.of("a", 5)))
        .apply(GroupByKey.create())
        .apply(MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey() + "=" + sorted(kv.getValue())));
    List<Object> streaming = run(backend, true, build);
    assertThat(streaming).containsExactlyInAnyOrder("a=[1, 3, 5]", "b=[2]", "c=[4]");
    assertThat(streaming).containsExactlyInAnyOrderElementsOf(run(backend, false, build));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldSumInFixedSlidingAndSessionWindowsLikeBatch(Backend backend) throws Exception {
    for (Function<Pipeline, PCollection<String>> build : List.<Function<Pipeline, PCollection<String>>>of(
        p -> windowedSums(p, Window.into(FixedWindows.of(Duration.millis(10)))),
        p -> windowedSums(p, Window.into(SlidingWindows.of(Duration.millis(10)).every(Duration.millis(5)))),
        p -> windowedSums(p, Window.into(Sessions.withGapDuration(Duration.millis(10)))),
        p -> windowedSums(p, Window.<KV<String, Integer>>into(FixedWindows.of(Duration.millis(10)))
            .withTimestampCombiner(TimestampCombiner.EARLIEST)))) {
      List<Object> streaming = run(backend, true, build);
      assertThat(streaming).isNotEmpty();
      assertThat(streaming).containsExactlyInAnyOrderElementsOf(run(backend, false, build));
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldCountAndDeduplicateLikeBatch(Backend backend) throws Exception {
    Function<Pipeline, PCollection<String>> build = p -> p.apply(Create.of("x", "y", "x", "z", "x"))
        .apply(Distinct.create())
        .apply(Count.perElement())
        .apply(MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey() + ":" + kv.getValue()));
    List<Object> streaming = run(backend, true, build);
    assertThat(streaming).containsExactlyInAnyOrder("x:1", "y:1", "z:1");
    assertThat(streaming).containsExactlyInAnyOrderElementsOf(run(backend, false, build));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void shouldReportNoDroppedDataForBoundedInput(Backend backend) throws Exception {
    Pipeline p = TestPipelines.create();
    String out = TestPipelines.collect(windowedSums(p, Window.into(FixedWindows.of(Duration.millis(10)))), "Collect");
    var accumulators = backend.run(TestPipelines.translate(p, 2, true));
    assertThat(TestPipelines.collected(out)).isNotEmpty();
    MetricsAccumulator metrics = (MetricsAccumulator) accumulators.get(MetricsAccumulator.NAME);
    var counters = org.apache.beam.runners.core.metrics.MetricsContainerStepMap.asAttemptedOnlyMetricResults(metrics.stepMap())
        .queryMetrics(org.apache.beam.sdk.metrics.MetricsFilter.builder()
            .addNameFilter(org.apache.beam.sdk.metrics.MetricNameFilter.named(
                LateDataDroppingDoFnRunner.class, LateDataDroppingDoFnRunner.DROPPED_DUE_TO_LATENESS))
            .build())
        .getCounters();
    counters.forEach(c -> assertThat(c.getAttempted()).as(c.getKey().toString()).isZero());
  }

  private static PCollection<String> windowedSums(Pipeline p, Window<KV<String, Integer>> window) {
    return p.apply(Create.timestamped(TIMED, TIMES))
        .apply(window)
        .apply(Sum.integersPerKey())
        .apply(MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey() + "=" + kv.getValue()));
  }

  private static List<Object> run(Backend backend, boolean streaming, Function<Pipeline, PCollection<String>> build)
      throws Exception {
    Pipeline p = TestPipelines.create();
    String out = TestPipelines.collect(build.apply(p), "Collect");
    backend.run(TestPipelines.translate(p, 3, streaming));
    return TestPipelines.collected(out);
  }

  private static List<Integer> sorted(Iterable<Integer> values) {
    List<Integer> out = new ArrayList<>();
    values.forEach(out::add);
    out.sort(null);
    return out;
  }
}
